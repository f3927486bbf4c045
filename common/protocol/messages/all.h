// Every message this package implements, for callers that dispatch on API key
// (the broker's registry, the fuzz target, tests).
#pragma once

#include "common/protocol/messages/api_versions.h"
#include "common/protocol/messages/create_partitions.h"
#include "common/protocol/messages/create_topics.h"
#include "common/protocol/messages/delete_topics.h"
#include "common/protocol/messages/describe_configs.h"
#include "common/protocol/messages/describe_groups.h"
#include "common/protocol/messages/fetch.h"
#include "common/protocol/messages/find_coordinator.h"
#include "common/protocol/messages/heartbeat.h"
#include "common/protocol/messages/init_producer_id.h"
#include "common/protocol/messages/join_group.h"
#include "common/protocol/messages/leave_group.h"
#include "common/protocol/messages/list_groups.h"
#include "common/protocol/messages/list_offsets.h"
#include "common/protocol/messages/metadata.h"
#include "common/protocol/messages/offset_commit.h"
#include "common/protocol/messages/offset_fetch.h"
#include "common/protocol/messages/produce.h"
#include "common/protocol/messages/sasl.h"
#include "common/protocol/messages/sync_group.h"

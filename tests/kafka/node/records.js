// The record set every client round-trips; identical to kafkalib.make_records():
// key k%05d, value "<prefix>-v<i>-" + "abcdefghij" * (1 + i % 8), headers h=h<i>, i=<i>.
'use strict';

function record(prefix, i) {
  return {
    key: 'k' + String(i).padStart(5, '0'),
    value: `${prefix}-v${i}-` + 'abcdefghij'.repeat(1 + (i % 8)),
    headers: { h: 'h' + i, i: String(i) },
  };
}

module.exports = { record };

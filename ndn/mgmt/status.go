package mgmt

import (
	"time"

	"github.com/ndnflow/ndnflow/tlv"
)

// ForwarderStatus is the status/general dataset (ndn-protocols.md §4.5). It
// is not itemized: its fields are the whole Content, in this order.
type ForwarderStatus struct {
	NfdVersion       string
	StartTimestamp   time.Time // millisecond precision on the wire
	CurrentTimestamp time.Time

	NNameTreeEntries     uint64
	NFibEntries          uint64
	NPitEntries          uint64
	NMeasurementsEntries uint64
	NCsEntries           uint64

	NInInterests          uint64
	NInData               uint64
	NInNacks              uint64
	NOutInterests         uint64
	NOutData              uint64
	NOutNacks             uint64
	NSatisfiedInterests   uint64
	NUnsatisfiedInterests uint64
}

// unixMs converts a time to milliseconds since the epoch; earlier is 0.
func unixMs(t time.Time) uint64 {
	if ms := t.UnixMilli(); ms > 0 {
		return uint64(ms)
	}
	return 0
}

func fromUnixMs(ms uint64) time.Time {
	return time.UnixMilli(int64(min(ms, 1<<62))).UTC()
}

type nniField struct {
	t uint32
	v *uint64
}

func (s *ForwarderStatus) counters() [13]nniField {
	return [13]nniField{
		{TtNNameTreeEntries, &s.NNameTreeEntries}, {TtNFibEntries, &s.NFibEntries},
		{TtNPitEntries, &s.NPitEntries}, {TtNMeasurementsEntries, &s.NMeasurementsEntries},
		{TtNCsEntries, &s.NCsEntries}, {TtNInInterests, &s.NInInterests}, {TtNInData, &s.NInData},
		{TtNInNacks, &s.NInNacks}, {TtNOutInterests, &s.NOutInterests}, {TtNOutData, &s.NOutData},
		{TtNOutNacks, &s.NOutNacks}, {TtNSatisfiedInterests, &s.NSatisfiedInterests},
		{TtNUnsatisfiedInterests, &s.NUnsatisfiedInterests},
	}
}

var forwarderStatusCounterNames = [...]string{
	"NNameTreeEntries", "NFibEntries", "NPitEntries", "NMeasurementsEntries", "NCsEntries",
	"NInInterests", "NInData", "NInNacks", "NOutInterests", "NOutData", "NOutNacks",
	"NSatisfiedInterests", "NUnsatisfiedInterests",
}

// Length returns the size of the Content value (there is no outer element).
func (s *ForwarderStatus) Length() int {
	n := stringElemLen(TtNfdVersion, s.NfdVersion) +
		tlv.NNIElementLen(TtStartTimestamp, unixMs(s.StartTimestamp)) +
		tlv.NNIElementLen(TtCurrentTimestamp, unixMs(s.CurrentTimestamp))
	for _, c := range s.counters() {
		n += tlv.NNIElementLen(c.t, *c.v)
	}
	return n
}

// Append appends the fields, in ndn-cxx order, to dst: the Content value of
// a status/general reply.
func (s *ForwarderStatus) Append(dst []byte) []byte {
	dst = appendString(dst, TtNfdVersion, s.NfdVersion)
	dst = tlv.AppendNNIElement(dst, TtStartTimestamp, unixMs(s.StartTimestamp))
	dst = tlv.AppendNNIElement(dst, TtCurrentTimestamp, unixMs(s.CurrentTimestamp))
	for _, c := range s.counters() {
		dst = tlv.AppendNNIElement(dst, c.t, *c.v)
	}
	return dst
}

// Decode decodes the reassembled status/general payload. Every field is
// required, in order.
func (s *ForwarderStatus) Decode(payload []byte) error {
	*s = ForwarderStatus{}
	q := newSeq(payload, "ForwarderStatus", TtNfdVersion, TtStartTimestamp, TtCurrentTimestamp,
		TtNNameTreeEntries, TtNFibEntries, TtNPitEntries, TtNMeasurementsEntries, TtNCsEntries,
		TtNInInterests, TtNInData, TtNInNacks, TtNOutInterests, TtNOutData, TtNOutNacks,
		TtNSatisfiedInterests, TtNUnsatisfiedInterests)
	var err error
	if s.NfdVersion, err = q.reqString(TtNfdVersion, "NfdVersion"); err != nil {
		return err
	}
	ms, err := q.reqNNI(TtStartTimestamp, "StartTimestamp")
	if err != nil {
		return err
	}
	s.StartTimestamp = fromUnixMs(ms)
	if ms, err = q.reqNNI(TtCurrentTimestamp, "CurrentTimestamp"); err != nil {
		return err
	}
	s.CurrentTimestamp = fromUnixMs(ms)
	for i, c := range s.counters() {
		if *c.v, err = q.reqNNI(c.t, forwarderStatusCounterNames[i]); err != nil {
			return err
		}
	}
	return q.finish()
}

package app

import "encoding/binary"

// tokenLen is the length of the PIT tokens a Client puts on its Interests.
const tokenLen = 16

// Token is the content of the 16-octet NDNLPv2 PitToken a Client attaches
// to every Interest it sends, so that the Data or Nack coming back is
// matched with one map lookup instead of a name comparison
// (ndn-protocols.md §3.5). Owner 0 is Express; every Consumer has its own
// Owner and chooses Key and Aux freely (a segment fetcher puts the segment
// number in Key and a transmission counter in Aux).
type Token struct {
	Owner uint32
	Aux   uint32
	Key   uint64
}

func (t Token) put(b []byte) []byte {
	binary.BigEndian.PutUint32(b[0:], t.Owner)
	binary.BigEndian.PutUint32(b[4:], t.Aux)
	binary.BigEndian.PutUint64(b[8:], t.Key)
	return b[:tokenLen]
}

// parseToken reads a token this Client made; any other token (wrong
// length) is ignored.
func parseToken(b []byte) (Token, bool) {
	if len(b) != tokenLen {
		return Token{}, false
	}
	return Token{
		Owner: binary.BigEndian.Uint32(b[0:]),
		Aux:   binary.BigEndian.Uint32(b[4:]),
		Key:   binary.BigEndian.Uint64(b[8:]),
	}, true
}

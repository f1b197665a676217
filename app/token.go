package app

import "encoding/binary"

// tokenLen is the length of the PIT tokens a Client puts on its Interests.
// It is 6 octets because ndnd's forwarder (v1.5) accepts no other length:
// it crashes sending a Data that echoes a token of another size.
const tokenLen = 6

// Token is the content of the 6-octet NDNLPv2 PitToken a Client attaches to
// every Interest it sends, so that the Data or Nack coming back is matched
// with one map lookup instead of a name comparison (ndn-protocols.md §3.5).
// Owner 0 is Express, which puts a request id in Key; every Consumer has its
// own Owner and chooses Key freely (a segment fetcher puts a transmission
// id there and reads the segment number from the name).
type Token struct {
	Owner uint16
	Key   uint32
}

func (t Token) put(b []byte) []byte {
	binary.BigEndian.PutUint16(b[0:], t.Owner)
	binary.BigEndian.PutUint32(b[2:], t.Key)
	return b[:tokenLen]
}

// parseToken reads a token this Client made; any other token (wrong
// length) is ignored.
func parseToken(b []byte) (Token, bool) {
	if len(b) != tokenLen {
		return Token{}, false
	}
	return Token{Owner: binary.BigEndian.Uint16(b[0:]), Key: binary.BigEndian.Uint32(b[2:])}, true
}

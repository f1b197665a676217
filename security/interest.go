package security

import (
	"crypto/rand"
	"fmt"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/tlv"
)

// InterestSignOptions choose the replay-protection fields of a signed
// Interest. The zero value gives what NFD expects of a command Interest: an
// 8-octet random SignatureNonce and SignatureTime = now.
type InterestSignOptions struct {
	// Time is the SignatureTime (v0.3) or timestamp component (v0.2);
	// zero means time.Now().
	Time time.Time
	// NoTime omits SignatureTime (v0.3 only).
	NoTime bool
	// Nonce is the SignatureNonce (v0.3) or random component (v0.2, must
	// be 8 octets); nil means 8 random octets.
	Nonce []byte
	// NoNonce omits SignatureNonce (v0.3 only).
	NoNonce bool
	// SeqNum is the SignatureSeqNum, written when HasSeqNum (v0.3 only).
	SeqNum    uint64
	HasSeqNum bool
}

func (o *InterestSignOptions) timeMs() uint64 {
	t := o.Time
	if t.IsZero() {
		t = time.Now()
	}
	return uint64(t.UnixMilli())
}

func (o *InterestSignOptions) nonce() ([]byte, error) {
	if o.Nonce != nil {
		return o.Nonce, nil
	}
	n := make([]byte, 8)
	_, err := rand.Read(n)
	return n, err
}

// SignInterest signs i in the v0.3 format (ndn-protocols.md §1.8 item 4)
// with the replay-protection fields of o, and returns the encoded Interest
// (also i.Wire()). Any earlier signature of i is replaced.
func SignInterest(i *ndn.Interest, s ndn.Signer, o InterestSignOptions) ([]byte, error) {
	i.SigInfo = ndn.SigInfo{}
	if !o.NoNonce {
		n, err := o.nonce()
		if err != nil {
			return nil, err
		}
		i.SigInfo.Nonce = n
	}
	if !o.NoTime {
		i.SigInfo.Time, i.SigInfo.HasTime = o.timeMs(), true
	}
	i.SigInfo.SeqNum, i.SigInfo.HasSeqNum = o.SeqNum, o.HasSeqNum
	return i.SignWith(s)
}

// SignInterestV02 signs i as a legacy v0.2 command Interest
// (ndn-protocols.md §1.8 item 5): it appends <timestamp>/<random>/
// <SignatureInfo>/<SignatureValue> to the name and encodes the Interest. Only
// o.Time and o.Nonce (8 octets) apply. New code should use SignInterest;
// this form exists for peers that still send it, such as python-ndn.
func SignInterestV02(i *ndn.Interest, s ndn.Signer, o InterestSignOptions) ([]byte, error) {
	n, err := o.nonce()
	if err != nil {
		return nil, err
	}
	if len(n) != 8 {
		return nil, fmt.Errorf("%w: v0.2 random component must be 8 octets", ErrMalformed)
	}
	var rnd uint64
	for _, b := range n {
		rnd = rnd<<8 | uint64(b)
	}
	si := ndn.SigInfo{Type: s.SigType(), KeyLocator: s.KeyLocator()}
	name := i.Name.Append(
		ndn.Component{Type: ndn.TtGenericNameComponent, Value: fixedNNI(o.timeMs())},
		ndn.Component{Type: ndn.TtGenericNameComponent, Value: fixedNNI(rnd)},
		ndn.Component{Type: ndn.TtGenericNameComponent, Value: si.AppendTLV(nil, ndn.TtSignatureInfo)},
	)
	sig, err := s.Sign(name.Value())
	if err != nil {
		return nil, err
	}
	i.Name = name.Append(ndn.Component{Type: ndn.TtGenericNameComponent, Value: tlv.AppendElement(nil, ndn.TtSignatureValue, sig)})
	i.IsSigned, i.SigInfo, i.SigValue = false, ndn.SigInfo{}, nil
	return i.Encode()
}

// fixedNNI encodes v as an NNI of 8 octets when it needs more than 4, as
// ndn-cxx and python-ndn write v0.2 timestamps and random values.
func fixedNNI(v uint64) []byte { return tlv.AppendNNI(nil, v) }

// SignedFormat tells which signed-Interest form a SignedInterest came from.
type SignedFormat int

// Signed-Interest forms.
const (
	FormatV03 SignedFormat = 3 // InterestSignatureInfo / InterestSignatureValue
	FormatV02 SignedFormat = 2 // four trailing name components
)

// SignedInterest is the signature of a signed Interest in either form.
type SignedInterest struct {
	Format SignedFormat
	// SigInfo is the signature info; for v0.2 its Time and Nonce are
	// filled from the timestamp and random components, so a ReplayChecker
	// treats both forms alike.
	SigInfo ndn.SigInfo
	// Portion is the signed portion and Value the SignatureValue.
	Portion, Value []byte
	// Name is the Interest name without the signature: for v0.3 without the
	// parameters digest, for v0.2 without the four signature components.
	// This is the name a trust policy checks.
	Name ndn.Name
}

// ParseSignedInterest extracts the signature of a decoded Interest: v0.3 if
// it carries InterestSignatureInfo, else the v0.2 command form. portionBuf is
// reused for the v0.3 signed portion. It returns ErrUnsigned if neither is
// present and ErrMalformed if the v0.2 components do not decode.
func ParseSignedInterest(i *ndn.Interest, portionBuf []byte) (SignedInterest, error) {
	if i.IsSigned {
		s := SignedInterest{Format: FormatV03, SigInfo: i.SigInfo, Value: i.SigValue}
		s.Portion = i.SignedPortion(portionBuf[:0])
		s.Name = i.Name
		if l := i.Name.Len(); l > 0 && i.Name.At(l-1).Type == ndn.TtParametersSha256DigestComponent {
			s.Name = i.Name.Prefix(l - 1)
		}
		return s, nil
	}
	portion, siComp, svComp, ok := i.V02SignedPortion()
	if !ok {
		return SignedInterest{}, ErrUnsigned
	}
	s := SignedInterest{Format: FormatV02, Portion: portion}
	l := i.Name.Len()
	s.Name = i.Name.Prefix(l - 4)
	siEl, err := tlv.Decode(siComp.Value)
	if err != nil || siEl.Type != ndn.TtSignatureInfo {
		return SignedInterest{}, fmt.Errorf("%w: v0.2 SignatureInfo component", ErrMalformed)
	}
	if err := s.SigInfo.Decode(siEl.Value); err != nil {
		return SignedInterest{}, fmt.Errorf("%w: v0.2 %v", ErrMalformed, err)
	}
	svEl, err := tlv.Decode(svComp.Value)
	if err != nil || svEl.Type != ndn.TtSignatureValue {
		return SignedInterest{}, fmt.Errorf("%w: v0.2 SignatureValue component", ErrMalformed)
	}
	s.Value = svEl.Value
	ts, rnd := i.Name.At(l-4), i.Name.At(l-3)
	t, ok := ts.Number()
	if ts.Type != ndn.TtGenericNameComponent || !ok {
		return SignedInterest{}, fmt.Errorf("%w: v0.2 timestamp is not an NNI", ErrMalformed)
	}
	s.SigInfo.Time, s.SigInfo.HasTime = t, true
	s.SigInfo.Nonce = rnd.Value
	return s, nil
}

// VerifyInterest checks the signature of a decoded Interest in either form
// with v and returns the parsed signature for replay and policy checks.
func VerifyInterest(i *ndn.Interest, v ndn.Verifier) (SignedInterest, error) {
	s, err := ParseSignedInterest(i, nil)
	if err != nil {
		return s, err
	}
	return s, v.Verify(s.SigInfo.Type, s.Portion, s.Value)
}

package forwarder

import (
	"context"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security/trust"
)

// runVerifiers does synchronously what the verification workers do.
func (h *harness) runVerifiers() {
	for {
		select {
		case j := <-h.fw.verifyQ:
			h.fw.verifyOne(context.Background(), j)
			select {
			case b := <-h.s.in: // valid: handed back to the shard
				h.s.now = h.now
				h.s.process(b.items[:b.n])
				h.fw.putBatch(b)
			default: // rejected
			}
		default:
			return
		}
	}
}

func TestVerification(t *testing.T) {
	v := trust.NewValidator(trust.Options{AcceptDigest: true}) // DigestSha256 needs no anchor
	h := newHarness(t, Config{Verify: []VerifyRule{
		{Prefix: ndn.MustParseName("/s"), Validator: v},
		{Prefix: ndn.MustParseName("/s/open"), Validator: nil},
	}})
	c, p := h.p2p(300), h.p2p(301)
	h.route("/", 301, 0)

	// A valid DigestSha256 Data is verified, then cached and forwarded.
	h.interest(300, "/s/good", 1, noOpt)
	up := expectOne(t, p, face.KindInterest, "good")
	h.data(301, "/s/good", time.Second, up.token)
	expectNone(t, c, "Data before verification")
	h.runVerifiers()
	expectOne(t, c, face.KindData, "verified Data")
	h.interest(300, "/s/good", 2, noOpt)
	expectOne(t, c, face.KindData, "verified Data cached")

	// A forged one (content changed after signing) is dropped, not cached.
	h.interest(300, "/s/forged", 3, noOpt)
	up = expectOne(t, p, face.KindInterest, "forged")
	w := makeData(t, "/s/forged", time.Second)
	w[len(w)-40] ^= 0xFF // inside the content, before the signature
	h.dataWire(301, w, up.token, 0)
	h.runVerifiers()
	expectNone(t, c, "forged Data")
	h.now += int64(20 * time.Millisecond)
	h.interest(300, "/s/forged", 4, noOpt)
	expectNone(t, c, "forged Data served from the CS")
	expectOne(t, p, face.KindInterest, "retransmission of the still pending Interest")
	if vc := h.fw.VerifyCounters(); vc.Verified != 1 || vc.BadSignature != 1 {
		t.Errorf("verify counters %+v", vc)
	}
	// Outside the rules, and under an exempt prefix: no verification.
	for _, name := range []string{"/other", "/s/open/x"} {
		h.interest(300, name, 5, noOpt)
		up = expectOne(t, p, face.KindInterest, name)
		h.data(301, name, 0, up.token)
		expectOne(t, c, face.KindData, name+" without verification")
	}
}

func TestVerificationLive(t *testing.T) {
	v := trust.NewValidator(trust.Options{AcceptDigest: true})
	fw := New(Config{Shards: 2, Verify: []VerifyRule{{Prefix: ndn.MustParseName("/s"), Validator: v}}})
	defer fw.Close()
	c, p := addPeer(t, fw), addPeer(t, fw)
	fw.AddNextHop(ndn.MustParseName("/s"), p.f.ID(), 0)
	for i := range 16 {
		name := "/s/" + string(rune('a'+i)) + "/x"
		c.send(makeInterest(t, ndn.MustParseName(name), uint32(i+1), noOpt))
		up := p.recv()
		p.send(lpWith(up.PitToken, makeData(t, name, 0)))
		if d := c.recv(); d.IsNack {
			t.Fatal("Nack")
		}
	}
	if vc := fw.VerifyCounters(); vc.Verified != 16 {
		t.Errorf("verified %d", vc.Verified)
	}
}

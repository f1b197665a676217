package trust_test

import (
	"testing"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security/trust"
)

// FuzzParseSchema parses arbitrary schema text and checks a name pair
// against what parses; neither may panic.
func FuzzParseSchema(f *testing.F) {
	f.Add("post: /<site>/blog/<user>/<**> <= /<site>/user/<user>/KEY/<_>", "/a/blog/b/c", "/a/user/b/KEY/1")
	f.Add("r: /<**>/<x>/<**> <= /<x>/<**>", "/a/b", "/b/KEY/1/self/v=1")
	f.Fuzz(func(t *testing.T, text, pkt, key string) {
		s, err := trust.ParseSchema(text)
		if err != nil {
			return
		}
		p, err1 := ndn.ParseName(pkt)
		k, err2 := ndn.ParseName(key)
		if err1 != nil || err2 != nil || p.Len() > 16 || k.Len() > 16 {
			return
		}
		_, _ = s.Check(p, k)
	})
}

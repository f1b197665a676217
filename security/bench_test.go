package security_test

import (
	"testing"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
)

// BenchmarkSignData and BenchmarkVerifyData sign and verify a Data with 4 KB
// of Content per algorithm; ns/op gives ops/s = 1e9 / ns/op.
func BenchmarkSignData(b *testing.B) {
	for _, k := range allSigners(b) {
		b.Run(k.name, func(b *testing.B) {
			d := ndn.Data{Name: ndn.MustParseName("/bench/data/v=1/seg=0"), Content: make([]byte, 4096)}
			b.ReportAllocs()
			b.SetBytes(4096)
			for b.Loop() {
				if _, err := d.SignWith(k.s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerifyData(b *testing.B) {
	for _, k := range allSigners(b) {
		b.Run(k.name, func(b *testing.B) {
			d := ndn.Data{Name: ndn.MustParseName("/bench/data/v=1/seg=0"), Content: make([]byte, 4096)}
			if _, err := d.SignWith(k.s); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(4096)
			for b.Loop() {
				if err := security.VerifyData(&d, k.v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

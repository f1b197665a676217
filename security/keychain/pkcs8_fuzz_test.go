package keychain

import (
	"testing"
)

// FuzzDecryptPKCS8 feeds arbitrary EncryptedPrivateKeyInfo DER to the
// decryptor; it must never panic. The seed uses one PBKDF2 iteration so that
// the fuzzer spends its time on parsing.
func FuzzDecryptPKCS8(f *testing.F) {
	enc, err := encryptPKCS8([]byte{0x30, 0x03, 0x02, 0x01, 0x00}, []byte("p"), 1)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc, []byte("p"))
	f.Add(enc, []byte("wrong"))
	f.Fuzz(func(t *testing.T, enc, pass []byte) {
		plain, err := DecryptPKCS8(enc, pass)
		if err == nil && len(plain) == 0 {
			t.Fatal("empty plaintext accepted")
		}
	})
}

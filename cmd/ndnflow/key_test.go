package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// keyRun runs `ndnflow key --keychain dir args...`.
func keyRun(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, nil, append([]string{"key", "--keychain", dir}, args...)...)
}

func mustKey(t *testing.T, dir string, args ...string) string {
	t.Helper()
	code, out, errOut := keyRun(t, dir, args...)
	if code != 0 {
		t.Fatalf("ndnflow key %v: exit %d, stderr %q", args, code, errOut)
	}
	return out
}

func TestKeyGenListShowDelete(t *testing.T) {
	dir := t.TempDir()
	var certs []string
	for _, typ := range []string{"ed25519", "ecdsa", "rsa"} {
		out := mustKey(t, dir, "gen", "/example/"+typ, "--type", typ)
		name := strings.TrimSpace(out)
		if !strings.HasPrefix(name, "/example/"+typ+"/KEY/") || !strings.Contains(name, "/self/v=") {
			t.Errorf("gen --type %s printed %q", typ, out)
		}
		certs = append(certs, name)
	}
	list := mustKey(t, dir, "list")
	for _, typ := range []string{"ed25519", "ecdsa", "rsa"} {
		if !strings.Contains(list, "/example/"+typ+"/KEY/") || !strings.Contains(list, "  "+typ+"\n") {
			t.Errorf("list lacks the %s key:\n%s", typ, list)
		}
	}
	if strings.Count(list, "* /example/ed25519/KEY/") != 1 {
		t.Errorf("first key is not marked default:\n%s", list)
	}
	for _, n := range []string{"/example/ecdsa", certs[1]} {
		show := mustKey(t, dir, "show", n)
		for _, want := range []string{"Certificate Name:\n  " + certs[1], "Type: ecdsa", "SignatureSha256WithEcdsa", "Self-Signed: true", "Base64:\n"} {
			if !strings.Contains(show, want) {
				t.Errorf("show %s lacks %q:\n%s", n, want, show)
			}
		}
	}
	out := mustKey(t, dir, "delete", "/example/rsa")
	if !strings.HasPrefix(out, "deleted /example/rsa/KEY/") {
		t.Errorf("delete printed %q", out)
	}
	if strings.Contains(mustKey(t, dir, "list"), "/example/rsa") {
		t.Errorf("deleted key still listed")
	}
	if d := mustKey(t, dir, "default", "/example/ecdsa"); !strings.HasPrefix(d, "/example/ecdsa/KEY/") {
		t.Errorf("default printed %q", d)
	}
}

func TestKeyErrors(t *testing.T) {
	dir := t.TempDir()
	mustKey(t, dir, "gen", "/a")
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"show", "/nobody"}, 1, "not found"},
		{[]string{"delete", "/nobody"}, 1, "not found"},
		{[]string{"export", "/nobody"}, 1, "not found"},
		{[]string{"gen", "/b", "--type", "dsa"}, 2, "unsupported key type"},
		{[]string{"gen"}, 2, "accepts 1 arg"},
		{[]string{"show", "/a/%zz"}, 2, "bad name"},
		{[]string{"sign-cert", "x"}, 2, "issuer"},
		{[]string{"import", filepath.Join(dir, "missing")}, 1, "no such file"},
	}
	for _, tt := range tests {
		code, _, errOut := keyRun(t, dir, tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.msg) {
			t.Errorf("key %v: exit %d, stderr %q; want %d and %q", tt.args, code, errOut, tt.code, tt.msg)
		}
	}
	// Corrupt files: a garbage import and a corrupted stored certificate.
	junk := filepath.Join(t.TempDir(), "junk")
	os.WriteFile(junk, []byte("this is not a certificate"), 0o644)
	if code, _, errOut := keyRun(t, dir, "import", junk); code != 1 || !strings.Contains(errOut, "corrupt") {
		t.Errorf("import junk: exit %d, %q", code, errOut)
	}
	keys, _ := filepath.Glob(filepath.Join(dir, "keys", "*.key"))
	os.WriteFile(keys[0], []byte("garbage"), 0o600)
	if code, out, _ := keyRun(t, dir, "list"); code != 0 || !strings.Contains(out, "unreadable: keychain: corrupt file") {
		t.Errorf("list with a corrupt key: exit %d, %q", code, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "certs", "*.cert"))
	os.WriteFile(files[0], []byte{0x06, 0x01, 0x00}, 0o644)
	if code, _, errOut := keyRun(t, dir, "list"); code != 1 || !strings.Contains(errOut, "corrupt file") || !strings.Contains(errOut, files[0]) {
		t.Errorf("list with a corrupt cert: exit %d, %q", code, errOut)
	}
}

func TestKeyExportImportSignCert(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	aliceCert := strings.TrimSpace(mustKey(t, a, "gen", "/example/alice", "--type", "ecdsa"))
	rootCert := strings.TrimSpace(mustKey(t, b, "gen", "/example", "--type", "ed25519"))

	// Certificate only, base64 in 64-character lines.
	certFile := filepath.Join(t.TempDir(), "alice.ndncert")
	mustKey(t, a, "export", "/example/alice", "-o", certFile)
	text, _ := os.ReadFile(certFile)
	for _, l := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		if len(l) > 64 {
			t.Fatalf("base64 line of %d characters", len(l))
		}
	}

	// The root issues alice a certificate; alice imports it.
	issued := filepath.Join(t.TempDir(), "issued.ndncert")
	code, _, errOut := keyRun(t, b, "sign-cert", certFile, "--issuer", "/example", "--issuer-id", "root", "-o", issued)
	if code != 0 || !strings.Contains(errOut, "/example/alice/KEY/") || !strings.Contains(errOut, "/root/v=") {
		t.Fatalf("sign-cert: exit %d, %q", code, errOut)
	}
	out := mustKey(t, a, "import", issued)
	if !strings.Contains(out, "/root/v=") {
		t.Errorf("import printed %q", out)
	}
	show := mustKey(t, a, "show", "/example/alice")
	if !strings.Contains(show, "Key Locator: "+strings.SplitN(rootCert, "/self/", 2)[0]) || !strings.Contains(show, "Self-Signed: false") {
		t.Errorf("show after import does not prefer the issued certificate:\n%s", show)
	}

	// SafeBag export with a passphrase file, import into a third keychain.
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("correct horse\n"), 0o600)
	bag := filepath.Join(t.TempDir(), "alice.safebag")
	mustKey(t, a, "export", aliceCert, "--passphrase-file", pw, "-o", bag)
	if st, _ := os.Stat(bag); st.Mode().Perm() != 0o600 {
		t.Errorf("SafeBag file mode %v", st.Mode())
	}
	c := t.TempDir()
	if code, _, errOut := keyRun(t, c, "import", bag); code != 2 || !strings.Contains(errOut, "passphrase") {
		t.Errorf("import SafeBag without passphrase: exit %d, %q", code, errOut)
	}
	if code, _, errOut := keyRun(t, c, "import", bag, "--passphrase", "wrong"); code != 1 || !strings.Contains(errOut, "passphrase") {
		t.Errorf("import SafeBag with a wrong passphrase: exit %d, %q", code, errOut)
	}
	mustKey(t, c, "import", bag, "--passphrase", "correct horse")
	if l := mustKey(t, c, "list"); !strings.Contains(l, "* /example/alice/KEY/") || !strings.Contains(l, "ecdsa") {
		t.Errorf("imported key not listed as default:\n%s", l)
	}
}

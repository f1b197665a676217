package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/security/keychain"
)

// newKeyCmd builds `ndnflow key`, the keychain manager (docs/security.md).
func newKeyCmd() *cobra.Command {
	var dir string
	c := &cobra.Command{
		Use:   "key",
		Short: "Manage NDN keys and certificates in the keychain",
		Long: `Manage the keychain: private keys (PKCS#8) and NDN certificates.

The keychain directory is --keychain, else $NDNFLOW_KEYCHAIN, else
$XDG_CONFIG_HOME/ndnflow/keychain (~/.config/ndnflow/keychain).

NAME arguments may be an identity (/example/alice), a key name
(/example/alice/KEY/<id>) or a certificate name (.../<issuer>/v=<version>).`,
	}
	c.PersistentFlags().StringVar(&dir, "keychain", "", "keychain directory (default $NDNFLOW_KEYCHAIN or the user config dir)")
	open := func() (*keychain.Keychain, error) {
		d := dir
		if d == "" {
			var err error
			if d, err = keychain.DefaultDir(); err != nil {
				return nil, err
			}
		}
		return keychain.Open(d)
	}
	c.AddCommand(newKeyGenCmd(open), newKeyListCmd(open), newKeyShowCmd(open), newKeyExportCmd(open),
		newKeyImportCmd(open), newKeySignCertCmd(open), newKeyDeleteCmd(open), newKeyDefaultCmd(open))
	return c
}

type openKeychain func() (*keychain.Keychain, error)

func parseNameArg(s string) (ndn.Name, error) {
	n, err := ndn.ParseName(s)
	if err != nil {
		return ndn.Name{}, usageError{fmt.Errorf("bad name %q: %w", s, err)}
	}
	return n, nil
}

func newKeyGenCmd(open openKeychain) *cobra.Command {
	var typ string
	var validity time.Duration
	var makeDefault bool
	c := &cobra.Command{
		Use:   "gen IDENTITY",
		Short: "Generate a key with a self-signed certificate",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseNameArg(args[0])
			if err != nil {
				return err
			}
			kt, err := security.ParseKeyType(typ)
			if err != nil {
				return usageError{err}
			}
			kc, err := open()
			if err != nil {
				return err
			}
			k, crt, err := kc.Generate(id, kt, cert.Options{Validity: validity})
			if err != nil {
				return err
			}
			if makeDefault {
				if err := kc.SetDefault(k.Name()); err != nil {
					return err
				}
			}
			fmt.Fprintln(cmd.OutOrStdout(), crt.Name())
			return nil
		},
	}
	c.Flags().StringVar(&typ, "type", "ed25519", "key type: ed25519, ecdsa (P-256) or rsa (2048 bits)")
	c.Flags().DurationVar(&validity, "validity", 365*24*time.Hour, "validity period of the self-signed certificate")
	c.Flags().BoolVar(&makeDefault, "default", false, "make the new key the default key")
	return c
}

func newKeyListCmd(open openKeychain) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List keys and certificates (* marks the default key)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			kc, err := open()
			if err != nil {
				return err
			}
			keys, err := kc.KeyNames()
			if err != nil {
				return err
			}
			certs, err := kc.Certs()
			if err != nil {
				return err
			}
			def, _ := kc.DefaultKey()
			out := cmd.OutOrStdout()
			shown := map[string]bool{}
			printCert := func(c *cert.Certificate, indent string) {
				note := "issued by " + c.Issuer().Name.String()
				if c.IsSelfSigned() {
					note = "self-signed"
				}
				fmt.Fprintf(out, "%s%s  (%s, until %s)\n", indent, c.Name(), note, c.NotAfter.Format(time.DateOnly))
				shown[string(c.Name().Value())] = true
			}
			for _, k := range keys {
				mark := " "
				if k.Equal(def) {
					mark = "*"
				}
				typ := ""
				if pk, err := kc.Key(k); err == nil {
					typ = pk.Type().String()
				} else {
					typ = "(unreadable: " + err.Error() + ")"
				}
				fmt.Fprintf(out, "%s %s  %s\n", mark, k, typ)
				for _, c := range certs {
					if c.KeyName().Equal(k) {
						printCert(c, "    ")
					}
				}
			}
			first := true
			for _, c := range certs {
				if shown[string(c.Name().Value())] {
					continue
				}
				if first {
					fmt.Fprintln(out, "certificates without a private key:")
					first = false
				}
				printCert(c, "    ")
			}
			if len(keys) == 0 && len(certs) == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "keychain %s is empty; create a key with 'ndnflow key gen /my/identity'\n", kc.Dir())
			}
			return nil
		},
	}
}

func newKeyShowCmd(open openKeychain) *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Print a certificate in human form and in base64",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := parseNameArg(args[0])
			if err != nil {
				return err
			}
			kc, err := open()
			if err != nil {
				return err
			}
			c, err := kc.ResolveCert(n)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprint(out, c.String())
			fmt.Fprintln(out, "Base64:")
			_, err = out.Write(cert.EncodeBase64(c.Wire()))
			return err
		},
	}
}

// passphraseFlags are --passphrase and --passphrase-file.
type passphraseFlags struct{ value, file string }

func (p *passphraseFlags) add(c *cobra.Command, what string) {
	c.Flags().StringVar(&p.value, "passphrase", "", "passphrase "+what+" (visible to other users; prefer --passphrase-file)")
	c.Flags().StringVar(&p.file, "passphrase-file", "", "read the passphrase from the first line of this file")
	c.MarkFlagsMutuallyExclusive("passphrase", "passphrase-file")
}

// get returns the passphrase, or nil if none was given.
func (p *passphraseFlags) get() ([]byte, error) {
	if p.file != "" {
		b, err := os.ReadFile(p.file)
		if err != nil {
			return nil, err
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return []byte(strings.TrimSuffix(line, "\r")), nil
	}
	if p.value != "" {
		return []byte(p.value), nil
	}
	return nil, nil
}

func writeOutput(cmd *cobra.Command, path string, data []byte, perm os.FileMode) error {
	if path == "" || path == "-" {
		_, err := cmd.OutOrStdout().Write(data)
		return err
	}
	return os.WriteFile(path, data, perm)
}

func newKeyExportCmd(open openKeychain) *cobra.Command {
	var output string
	var pass passphraseFlags
	c := &cobra.Command{
		Use:   "export NAME",
		Short: "Export a certificate, or with a passphrase a SafeBag (certificate and encrypted private key)",
		Long: `Export the certificate NAME resolves to, in base64 as 'ndnsec cert-dump' prints it.

With --passphrase or --passphrase-file, export a SafeBag instead: the certificate
and its private key encrypted with the passphrase (PKCS#8 PBES2, PBKDF2-SHA256,
AES-256-CBC), base64-encoded like 'ndnsec export'; ndnsec import and NDNts read it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := parseNameArg(args[0])
			if err != nil {
				return err
			}
			pw, err := pass.get()
			if err != nil {
				return err
			}
			kc, err := open()
			if err != nil {
				return err
			}
			if pw == nil {
				c, err := kc.ResolveCert(n)
				if err != nil {
					return err
				}
				return writeOutput(cmd, output, cert.EncodeBase64(c.Wire()), 0o644)
			}
			bag, err := kc.ExportSafeBag(n, pw)
			if err != nil {
				return err
			}
			return writeOutput(cmd, output, cert.EncodeBase64(bag.Encode()), 0o600)
		},
	}
	c.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of stdout")
	pass.add(c, "that encrypts the exported private key")
	return c
}

func readInput(cmd *cobra.Command, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(cmd.InOrStdin())
	}
	return os.ReadFile(path)
}

func newKeyImportCmd(open openKeychain) *cobra.Command {
	var pass passphraseFlags
	c := &cobra.Command{
		Use:   "import FILE",
		Short: "Import a certificate or a SafeBag (binary or base64; FILE - is stdin)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := readInput(cmd, args[0])
			if err != nil {
				return err
			}
			pw, err := pass.get()
			if err != nil {
				return err
			}
			if pw == nil && isSafeBag(b) {
				return usageError{errors.New("this file is a SafeBag: give --passphrase or --passphrase-file")}
			}
			kc, err := open()
			if err != nil {
				return err
			}
			c, err := kc.Import(b, pw)
			if err != nil {
				return fmt.Errorf("import %s: %w", args[0], err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), c.Name())
			return nil
		},
	}
	pass.add(c, "of a SafeBag")
	return c
}

func isSafeBag(b []byte) bool {
	if len(b) > 0 && b[0] == keychain.TtSafeBag {
		return true
	}
	w, err := cert.DecodeBase64(b)
	return err == nil && len(w) > 0 && w[0] == keychain.TtSafeBag
}

func newKeySignCertCmd(open openKeychain) *cobra.Command {
	var issuer, output, issuerID string
	var validity time.Duration
	var store bool
	c := &cobra.Command{
		Use:   "sign-cert FILE",
		Short: "Issue a certificate for the key in FILE (a certificate, e.g. self-signed) signed by --issuer",
		Long: `Read a certificate (binary or base64; FILE - is stdin), typically the self-signed
certificate of another key, and issue a new certificate for the same key, signed
by the keychain key --issuer names. The result is printed in base64 (or written to
-o FILE); --import also stores it in this keychain.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := parseNameArg(issuer)
			if err != nil {
				return err
			}
			b, err := readInput(cmd, args[0])
			if err != nil {
				return err
			}
			req, err := cert.Parse(b)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if err := security.VerifyData(req.Data, req.PublicKey); req.IsSelfSigned() && err != nil {
				return fmt.Errorf("%s: self-signature does not verify: %w", args[0], err)
			}
			kc, err := open()
			if err != nil {
				return err
			}
			signer, err := kc.Signer(in)
			if err != nil {
				return err
			}
			o := cert.Options{Validity: validity}
			if issuerID != "" {
				if o.IssuerID, err = ndn.ParseComponent(issuerID); err != nil {
					return usageError{fmt.Errorf("--issuer-id: %w", err)}
				}
			}
			nc, err := cert.Issue(req.KeyName(), req.PublicKey, signer, o)
			if err != nil {
				return err
			}
			if store {
				if err := kc.AddCert(nc); err != nil {
					return err
				}
			}
			if output != "" && output != "-" {
				fmt.Fprintln(cmd.ErrOrStderr(), nc.Name())
			}
			return writeOutput(cmd, output, cert.EncodeBase64(nc.Wire()), 0o644)
		},
	}
	c.Flags().StringVar(&issuer, "issuer", "", "identity, key or certificate name of the signing key (required)")
	c.Flags().StringVar(&issuerID, "issuer-id", "", "issuer-id component of the new certificate name (default NA)")
	c.Flags().DurationVar(&validity, "validity", 365*24*time.Hour, "validity period from now")
	c.Flags().StringVarP(&output, "output", "o", "", "write the certificate to this file instead of stdout")
	c.Flags().BoolVar(&store, "import", false, "also store the new certificate in this keychain")
	_ = c.MarkFlagRequired("issuer")
	return c
}

func newKeyDeleteCmd(open openKeychain) *cobra.Command {
	return &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a certificate, a key and its certificates, or every key of an identity",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := parseNameArg(args[0])
			if err != nil {
				return err
			}
			kc, err := open()
			if err != nil {
				return err
			}
			done, err := kc.Delete(n)
			if err != nil {
				return err
			}
			var b bytes.Buffer
			for _, d := range done {
				fmt.Fprintf(&b, "deleted %s\n", d)
			}
			_, err = cmd.OutOrStdout().Write(b.Bytes())
			return err
		},
	}
}

func newKeyDefaultCmd(open openKeychain) *cobra.Command {
	return &cobra.Command{
		Use:   "default [NAME]",
		Short: "Print the default key, or make the key NAME resolves to the default",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kc, err := open()
			if err != nil {
				return err
			}
			if len(args) == 1 {
				n, err := parseNameArg(args[0])
				if err != nil {
					return err
				}
				k, err := kc.ResolveKey(n)
				if err != nil {
					return err
				}
				if err := kc.SetDefault(k); err != nil {
					return err
				}
			}
			d, err := kc.DefaultKey()
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), d)
			return nil
		},
	}
}

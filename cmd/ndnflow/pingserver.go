package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/ndn"
)

func newPingServerCmd() *cobra.Command {
	var af appFlags
	var size, maxReplies int
	var freshness time.Duration
	var sign string
	var quiet bool
	c := &cobra.Command{
		Use:   "pingserver PREFIX",
		Short: "Answer `ndnflow ping` and ndnping Interests under PREFIX/ping",
		Long: `Register PREFIX/ping with the forwarder and answer every Interest under it with a
Data of --size random octets, as ndn-tools' ndnpingserver does. Runs until
interrupted or until it has answered -c Interests.`,
		Example: `  ndnflow pingserver /example
  ndnflow pingserver /example --size 1000 --sign /example/server
  ndnflow pingserver /example --uplink tcp://127.0.0.1:6363 -q`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			prefix, err := parseNamePrefix(args[0])
			if err != nil {
				return err
			}
			if size < 0 || size > 8000 || maxReplies < 0 {
				return usageError{errors.New("--size must be in [0, 8000] and -c not negative")}
			}
			signer, signerCert, err := af.signer(sign)
			if err != nil {
				return err
			}
			cl, err := af.connect(cmd)
			if err != nil {
				return err
			}
			defer cl.Close()
			if cp, err := serveCert(cmd, cl, signerCert); err != nil {
				return err
			} else if cp != nil {
				defer cp.Close()
			}
			payload := make([]byte, size)
			rand.Read(payload)
			ctx, stop := context.WithCancel(cmd.Context())
			defer stop()
			out := cmd.OutOrStdout()
			var mu sync.Mutex
			replies := 0
			pingPrefix := prefix.Append(ndn.GenericComponent("ping"))
			h := func(_ context.Context, i *ndn.Interest) (*ndn.Data, error) {
				mu.Lock()
				defer mu.Unlock()
				if maxReplies > 0 && replies >= maxReplies {
					return nil, nil
				}
				replies++
				if !quiet {
					fmt.Fprintf(out, "interest received: %s\n", i.Name)
				}
				if maxReplies > 0 && replies == maxReplies {
					time.AfterFunc(100*time.Millisecond, stop)
				}
				return &ndn.Data{Name: i.Name.Clone(), Freshness: freshness, Content: payload}, nil
			}
			p, err := cl.Serve(ctx, pingPrefix, h, app.ServeOptions{Signer: signer})
			if err != nil {
				return fmt.Errorf("registering %s: %w", pingPrefix, err)
			}
			fmt.Fprintf(out, "PING SERVER %s\n", pingPrefix)
			select {
			case <-ctx.Done():
			case <-cl.Done():
			}
			p.Close()
			mu.Lock()
			fmt.Fprintf(out, "\n--- %s ping server statistics ---\n%d interests answered\n", prefix, replies)
			mu.Unlock()
			if err := cl.Err(); err != nil && !errors.Is(err, app.ErrClosed) {
				return err
			}
			return nil
		},
	}
	af.register(c)
	af.registerKeychain(c)
	c.Flags().IntVarP(&size, "size", "s", 0, "payload size in octets")
	c.Flags().DurationVarP(&freshness, "freshness", "f", time.Second, "FreshnessPeriod of the replies")
	c.Flags().IntVarP(&maxReplies, "count", "c", 0, "exit after answering this many Interests (0: never)")
	c.Flags().StringVar(&sign, "sign", "digest", "sign replies with digest or a keychain identity/key name")
	c.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not print each Interest")
	return c
}

package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/segmented"
	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// Fetcher names.
const (
	FetcherApp = "app" // app/segmented: CUBIC, RTO, retransmissions, signed segments
	FetcherGen = "gen" // the generator's fixed window, constant Data
)

// patternReader is an endless io.ReaderAt of a repeating byte pattern, the
// content of the published objects.
type patternReader struct{}

func (patternReader) ReadAt(p []byte, off int64) (int, error) {
	for i := range p {
		p[i] = byte('a' + (off+int64(i))%26)
	}
	return len(p), nil
}

// appDial adapts s.dial for app.Options.Dial and remembers the FaceId of
// the last connection (known for the inproc target).
func (s *session) appDial(faceID *uint64) func(ctx context.Context) (face.Transport, error) {
	return func(ctx context.Context) (face.Transport, error) {
		t, id, err := s.dial(ctx)
		*faceID = id
		return t, err
	}
}

// measureFetchApp publishes one object per flow with app/segmented
// (PublishReaderAt, segments signed with DigestSha256 when asked for) and
// fetches each with segmented.Fetch from its own Client, all at once.
func (s *session) measureFetchApp(ctx context.Context) (Result, error) {
	cfg := s.cfg
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if s.child != nil {
		go func() {
			select {
			case <-s.child.exited:
				cancel(s.child.diedError())
			case <-ctx.Done():
			}
		}()
	}
	var clients []*app.Client
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	connect := func() (*app.Client, uint64, error) {
		var id uint64
		c, err := app.Connect(ctx, "", app.Options{Dial: s.appDial(&id), NoReconnect: true, Logger: cfg.Logger})
		if err != nil {
			return nil, 0, fmt.Errorf("%w: %v", ErrTargetDied, err)
		}
		clients = append(clients, c)
		go func() {
			select {
			case <-c.Done():
				if err := c.Err(); err != nil {
					cancel(fmt.Errorf("%w: connection lost: %v", ErrTargetDied, err))
				}
			case <-ctx.Done():
			}
		}()
		return c, id, nil
	}
	names := make([]ndn.Name, cfg.Flows)
	for i := range cfg.Flows {
		pc, id, err := connect()
		if err != nil {
			return Result{}, err
		}
		opts := segmented.PublishOptions{ChunkSize: cfg.Payload, Serve: app.ServeOptions{NoRegister: s.inproc != nil}}
		pub, err := segmented.PublishReaderAt(ctx, pc, s.flowPrefix(i), patternReader{}, cfg.ObjectSize, opts)
		if err != nil {
			return Result{}, fmt.Errorf("%w: publishing: %v", ErrRegister, err)
		}
		defer pub.Close()
		if s.inproc != nil {
			if err := s.inproc.fw.AddNextHop(s.flowPrefix(i), id, 0); err != nil {
				return Result{}, fmt.Errorf("%w: %v", ErrRegister, err)
			}
		}
		names[i] = pub.Name
	}
	consumers := make([]*app.Client, cfg.Flows)
	for i := range consumers {
		c, _, err := connect()
		if err != nil {
			return Result{}, err
		}
		consumers[i] = c
	}
	results := make([]*segmented.Result, cfg.Flows)
	errs := make([]error, cfg.Flows)
	var wg sync.WaitGroup
	for i, c := range consumers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = segmented.Fetch(ctx, c, names[i], io.Discard, segmented.FetchOptions{MaxWindow: cfg.Window})
			if errs[i] != nil {
				cancel(errs[i])
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return Result{}, err
	}
	if err := errors.Join(errs...); err != nil {
		return Result{}, err
	}
	var r Result
	var last time.Duration
	var srtt time.Duration
	per := make([]float64, len(results))
	for i, fr := range results {
		last = max(last, fr.Elapsed)
		per[i] = fr.Goodput()
		r.Data += fr.Segments
		r.Retransmissions += fr.Retransmissions
		r.Timeouts += fr.Timeouts
		r.Nacks += fr.Nacks
		srtt += fr.SRTT
		r.GoodputBps += float64(fr.Bytes) * 8
	}
	secs := last.Seconds()
	r.Seconds = secs
	r.Interests = r.Data + r.Retransmissions
	r.InterestsPerS, r.DataPerS, r.NacksPerS = rate(float64(r.Interests), secs), rate(float64(r.Data), secs), rate(float64(r.Nacks), secs)
	r.GoodputBps = rate(r.GoodputBps, secs)
	r.RTT.Mean = float64(srtt/time.Duration(len(results))) / 1e3
	if tot := r.Data + r.Nacks + r.Timeouts; tot > 0 {
		r.LossRatio = float64(r.Timeouts) / float64(tot)
	}
	r.GoodputMinBps, r.GoodputMaxBps = per[0], per[0]
	for _, g := range per {
		r.GoodputMinBps, r.GoodputMaxBps = min(r.GoodputMinBps, g), max(r.GoodputMaxBps, g)
	}
	r.GoodputStddevBps = stddev(per)
	return r, nil
}

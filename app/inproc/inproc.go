// Package inproc connects an application Client to an ndnflow Forwarder in
// the same process, through an in-memory transport pair: no socket, no
// system call, same packets and same NDNLPv2 as over a Unix socket.
package inproc

import (
	"context"
	"sync"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder"
)

// Link is the forwarder side of an in-process Client: the face the
// Forwarder made for it, replaced on every reconnection.
type Link struct {
	mu sync.Mutex // protects f
	f  *face.Face
}

// FaceID returns the forwarder's FaceId of the Client's current face, for
// adding routes directly (fw.AddNextHop) when management is not used.
func (l *Link) FaceID() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return 0
	}
	return l.f.ID()
}

// Connect returns a Client attached to fw. opts.Dial is replaced; the other
// options apply as for app.Connect. If fw closes the face, the Client
// reconnects with a new one (unless opts.NoReconnect).
func Connect(ctx context.Context, fw *forwarder.Forwarder, opts app.Options) (*app.Client, *Link, error) {
	l := &Link{}
	opts.Dial = func(context.Context) (face.Transport, error) {
		a, b := face.NewMemPair(face.MemPairConfig{Queue: 4096, URIA: "internal://app", URIB: "internal://forwarder"})
		f := fw.AddFace(b, face.Config{})
		l.mu.Lock()
		l.f = f
		l.mu.Unlock()
		return a, nil
	}
	c, err := app.Connect(ctx, "internal://forwarder", opts)
	if err != nil {
		return nil, nil, err
	}
	return c, l, nil
}

package topo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// dataset fetches a status dataset (/localhost/nfd/<module>/<dataset>)
// from the node's management server.
func (nd *NodeHandle) dataset(ctx context.Context, module, dataset string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c, err := app.Connect(ctx, nd.URI(), app.Options{NoReconnect: true})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	name := ndn.NameFromComponents(ndn.GenericComponent("localhost"), ndn.GenericComponent("nfd"),
		ndn.GenericComponent(module), ndn.GenericComponent(dataset))
	a := nfd.NewAssembler(name)
	for range 1000 {
		_, versioned := a.Version()
		in := &ndn.Interest{Name: a.NextName(), CanBePrefix: !versioned, MustBeFresh: !versioned, Lifetime: time.Second}
		d, err := c.Express(ctx, in, app.ExpressOptions{Retries: 2})
		if err != nil {
			return nil, fmt.Errorf("%s %s/%s: %w", nd.Name, module, dataset, err)
		}
		done, err := a.Add(d)
		if err != nil {
			return nil, err
		}
		if done {
			return a.Payload(), nil
		}
	}
	return nil, fmt.Errorf("%s %s/%s: more than 1000 segments", nd.Name, module, dataset)
}

// Faces returns the faces/list dataset of the node's forwarder.
func (nd *NodeHandle) Faces(ctx context.Context) ([]nfd.FaceStatus, error) {
	b, err := nd.dataset(ctx, "faces", "list")
	if err != nil {
		return nil, err
	}
	return nfd.DecodeFaceStatusList(b)
}

// Status returns the status/general dataset of the node's forwarder.
func (nd *NodeHandle) Status(ctx context.Context) (nfd.ForwarderStatus, error) {
	var s nfd.ForwarderStatus
	b, err := nd.dataset(ctx, "status", "general")
	if err == nil {
		err = s.Decode(b)
	}
	return s, err
}

// CsInfo returns the cs/info dataset of the node's forwarder.
func (nd *NodeHandle) CsInfo(ctx context.Context) (nfd.CsInfo, error) {
	var s nfd.CsInfo
	b, err := nd.dataset(ctx, "cs", "info")
	if err == nil {
		err = s.Decode(b)
	}
	return s, err
}

// FaceCounters sums the counters of the node's faces whose remote URI
// contains host (an address or a MAC, see PeerHost); with host "" it sums
// the local application faces (unix://, fd://), leaving out the
// management face.
func (nd *NodeHandle) FaceCounters(ctx context.Context, host string) (nfd.FaceStatus, error) {
	fs, err := nd.Faces(ctx)
	if err != nil {
		return nfd.FaceStatus{}, err
	}
	var sum nfd.FaceStatus
	for _, f := range fs {
		match := false
		if host == "" {
			match = f.FaceID != 1 && (strings.HasPrefix(f.URI, "unix:") || strings.HasPrefix(f.URI, "fd:"))
		} else {
			match = strings.Contains(f.URI, host)
		}
		if !match {
			continue
		}
		sum.NInInterests += f.NInInterests
		sum.NInData += f.NInData
		sum.NInNacks += f.NInNacks
		sum.NOutInterests += f.NOutInterests
		sum.NOutData += f.NOutData
		sum.NOutNacks += f.NOutNacks
		sum.NInBytes += f.NInBytes
		sum.NOutBytes += f.NOutBytes
	}
	return sum, nil
}

// Fib returns the fib/list dataset of the node's forwarder.
func (nd *NodeHandle) Fib(ctx context.Context) ([]nfd.FibEntry, error) {
	b, err := nd.dataset(ctx, "fib", "list")
	if err != nil {
		return nil, err
	}
	return nfd.DecodeFibEntryList(b)
}

package app_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/segmented"
	"github.com/ndnflow/ndnflow/ndn"
)

// Connect to the local forwarder, answer Interests under a prefix and
// fetch one Data.
func Example() {
	ctx := context.Background()
	c, err := app.Connect(ctx, "", app.Options{}) // $NDN_CLIENT_TRANSPORT or unix:///run/nfd/nfd.sock
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()

	p, err := c.Serve(ctx, ndn.MustParseName("/example/hello"),
		func(_ context.Context, i *ndn.Interest) (*ndn.Data, error) {
			return &ndn.Data{Name: i.Name.Clone(), Content: []byte("hi"), Freshness: time.Second}, nil
		}, app.ServeOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()

	d, err := c.Express(ctx, &ndn.Interest{Name: ndn.MustParseName("/example/hello/1"), MustBeFresh: true},
		app.ExpressOptions{Retries: 2})
	var nack *app.NackError
	switch {
	case errors.As(err, &nack):
		fmt.Println("Nack:", nack.Reason)
	case errors.Is(err, app.ErrTimeout):
		fmt.Println("no answer")
	case err == nil:
		fmt.Printf("%s: %s\n", d.Name, d.Content)
	}
}

// Publish a file as a versioned, segmented object and fetch it to stdout.
func Example_segmented() {
	ctx := context.Background()
	c, err := app.Connect(ctx, "unix:///run/nfd/nfd.sock", app.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	pub, err := segmented.PublishFile(ctx, c, ndn.MustParseName("/example/video"), "video.mp4", segmented.PublishOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pub.Close()
	fmt.Println("serving", pub.Name) // /example/video/v=<ms>

	res, err := segmented.Fetch(ctx, c, ndn.MustParseName("/example/video"), os.Stdout, segmented.FetchOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Fprintf(os.Stderr, "%d bytes, %.0f Mbit/s\n", res.Bytes, res.Goodput()/1e6)
}

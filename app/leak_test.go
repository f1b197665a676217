package app_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/apptest"
	"github.com/ndnflow/ndnflow/ndn"
)

// TestNoGoroutineLeak runs a Client through serve, express, reconnect-free
// shutdown and checks every goroutine it started has exited.
func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		fwd := apptest.New()
		defer fwd.Close()
		prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
		p, err := prod.Serve(ctxT(t, 5*time.Second), ndn.MustParseName("/leak"), echoHandler("x"), app.ServeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			if _, err := cons.Express(ctxT(t, 5*time.Second), &ndn.Interest{Name: ndn.MustParseName("/leak").Append(ndn.SequenceNumComponent(uint64(i)))}, app.ExpressOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		p.Close()
		prod.Close()
		cons.Close()
	}()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

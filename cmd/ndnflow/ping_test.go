package main

import (
	"strings"
	"testing"
)

func TestPing(t *testing.T) {
	uplink := testForwarder(t)
	out, stop := background(t, "pingserver", "--uplink", uplink, "/pinged", "--size", "100")
	waitFor(t, "pingserver", func() bool { return strings.Contains(out.String(), "PING SERVER /pinged/ping") })

	code, stdout, stderr := runCLI(t, nil, "ping", "--uplink", uplink, "/pinged", "-c", "3", "-i", "10ms", "--start", "100")
	if code != 0 {
		t.Fatalf("ping exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"PING /pinged\n",
		"content from /pinged: seq=100 time=",
		"content from /pinged: seq=102 time=",
		"3 packets transmitted, 3 received, 0.0% lost, 0 nacked",
		"rtt min/avg/max/mdev = ",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("ping output lacks %q:\n%s", want, stdout)
		}
	}
	if code, _ := stop(); code != 0 {
		t.Errorf("pingserver exit %d", code)
	}
	if !strings.Contains(out.String(), "interest received: /pinged/ping/101") ||
		!strings.Contains(out.String(), "3 interests answered") {
		t.Errorf("pingserver output:\n%s", out.String())
	}

	// Nobody serves /silent: NoRoute Nacks, exit 1.
	code, stdout, stderr = runCLI(t, nil, "ping", "--uplink", uplink, "/silent", "-c", "2", "-i", "10ms")
	if code != 1 || !strings.Contains(stdout, "reason=NoRoute") || !strings.Contains(stdout, "2 packets transmitted, 0 received, 100.0% lost, 2 nacked") ||
		!strings.Contains(stderr, "no reply from /silent") {
		t.Errorf("ping without route: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestPingServerCount(t *testing.T) {
	uplink := testForwarder(t)
	out, stop := background(t, "pingserver", "--uplink", uplink, "/once", "-c", "1", "-q")
	waitFor(t, "pingserver", func() bool { return strings.Contains(out.String(), "PING SERVER") })
	if code, stdout, _ := runCLI(t, nil, "ping", "--uplink", uplink, "/once", "-c", "1"); code != 0 {
		t.Fatalf("ping: %s", stdout)
	}
	waitFor(t, "pingserver to exit after -c 1", func() bool { return strings.Contains(out.String(), "1 interests answered") })
	if strings.Contains(out.String(), "interest received") {
		t.Error("-q still printed Interests")
	}
	stop()
}

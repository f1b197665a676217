package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
)

// ctlOpts are the flags every `ndnflow ctl` subcommand shares.
type ctlOpts struct {
	app     appFlags
	json    bool
	timeout time.Duration
	sign    string
	// mgmtPrefix is --mgmt-prefix: "localhost", "localhop", a name, or ""
	// for the uplink's default (mgmtPrefixFor).
	mgmtPrefix string
}

// ctlError is a command answered with a status code other than 200; its
// text is NFD's StatusText.
type ctlError struct {
	command string
	code    uint32
	text    string
}

func (e *ctlError) Error() string { return fmt.Sprintf("%s: %d %s", e.command, e.code, e.text) }

// ctlClient sends commands and fetches datasets over an app.Client.
type ctlClient struct {
	cl      *app.Client
	signer  ndn.Signer
	timeout time.Duration
	prefix  ndn.Name
}

func (o *ctlOpts) connect(cmd *cobra.Command) (*ctlClient, error) {
	prefix, err := mgmtPrefixFor(o.mgmtPrefix, resolveUplink(o.app.uplink))
	if err != nil {
		return nil, err
	}
	signer, _, err := o.app.signer(o.sign)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
	defer cancel()
	cl, err := app.Connect(ctx, o.app.uplink, app.Options{Logger: cmdLogger(cmd), NoReconnect: true})
	if err != nil {
		uri := o.app.uplink
		if uri == "" {
			uri = "the default forwarder"
		}
		return nil, fmt.Errorf("cannot connect to %s (is a forwarder running? see --uplink): %w", uri, err)
	}
	return &ctlClient{cl: cl, signer: signer, timeout: o.timeout, prefix: prefix}, nil
}

// resolveUplink returns the forwarder URI app.Connect dials for uplink.
func resolveUplink(uplink string) string {
	if uplink == "" {
		uplink = os.Getenv("NDN_CLIENT_TRANSPORT")
	}
	if uplink == "" {
		uplink = app.DefaultURI
	}
	return uplink
}

// isLocalUplink reports whether a forwarder URI reaches a forwarder on this
// host over a face the forwarder gives local scope: a Unix socket, or TCP
// or WebSocket to a loopback address (or "localhost"). UDP is never local
// scope, so /localhost Interests sent over it are dropped.
func isLocalUplink(uri string) bool {
	u, err := url.Parse(uri)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "unix":
		return true
	case "tcp", "tcp4", "tcp6", "ws", "wss":
		host := u.Hostname()
		if host == "localhost" {
			return true
		}
		a, err := netip.ParseAddr(host)
		return err == nil && a.Unmap().IsLoopback()
	}
	return false
}

// mgmtPrefixFor returns the management prefix of --mgmt-prefix flag for
// the forwarder at uri: "localhost" (/localhost/nfd), "localhop"
// (/localhop/nfd), a name starting with "/", or "" for /localhost/nfd on a
// local uplink and /localhop/nfd otherwise (as NDNts and ndnd choose).
func mgmtPrefixFor(flag, uri string) (ndn.Name, error) {
	switch flag {
	case "":
		if isLocalUplink(uri) {
			return ndn.MustParseName(nfd.NfdPrefix), nil
		}
		return ndn.MustParseName(nfd.LocalhopPrefix), nil
	case "localhost":
		return ndn.MustParseName(nfd.NfdPrefix), nil
	case "localhop":
		return ndn.MustParseName(nfd.LocalhopPrefix), nil
	}
	if !strings.HasPrefix(flag, "/") {
		return ndn.Name{}, usageError{fmt.Errorf("--mgmt-prefix %q: want localhost, localhop or a name starting with /", flag)}
	}
	n, err := ndn.ParseName(flag)
	if err != nil || n.IsEmpty() {
		return ndn.Name{}, usageError{fmt.Errorf("--mgmt-prefix %q: not a non-empty NDN name", flag)}
	}
	return n, nil
}

// isLocalhostPrefix reports whether the client talks to /localhost/nfd,
// the only prefix under which forwarders serve status datasets.
func (c *ctlClient) isLocalhostPrefix() bool {
	return c.prefix.Equal(ndn.MustParseName(nfd.NfdPrefix))
}

func (c *ctlClient) Close() { c.cl.Close() }

// express sends one Interest and explains the usual failures.
func (c *ctlClient) express(ctx context.Context, what string, i *ndn.Interest) (*ndn.Data, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	d, err := c.cl.Express(ctx, i, app.ExpressOptions{})
	var ne *app.NackError
	switch {
	case err == nil:
		return d, nil
	case errors.As(err, &ne):
		return nil, fmt.Errorf("%s: the forwarder answered Nack %s (does it serve %s?)", what, ne.Reason, c.prefix)
	case errors.Is(err, app.ErrTimeout) || errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("%s: no response from the forwarder's management within %s (not authorized, or not served)", what, c.timeout)
	}
	return nil, fmt.Errorf("%s: %w", what, err)
}

// command sends a signed control command and returns the response body
// of a 200, or a *ctlError.
func (c *ctlClient) command(ctx context.Context, cmd nfd.Command, p *nfd.ControlParameters) (nfd.ControlParameters, error) {
	i := &ndn.Interest{Name: nfd.CommandName(c.prefix, cmd, p), MustBeFresh: true, Lifetime: c.timeout}
	nonce := make([]byte, 8)
	rand.Read(nonce)
	i.SigInfo = ndn.SigInfo{Nonce: nonce, Time: uint64(time.Now().UnixMilli()), HasTime: true}
	if _, err := i.SignWith(c.signer); err != nil {
		return nfd.ControlParameters{}, err
	}
	d, err := c.express(ctx, cmd.String(), i)
	if err != nil {
		return nfd.ControlParameters{}, err
	}
	var r nfd.ControlResponse
	if err := r.Decode(d.Content); err != nil {
		return nfd.ControlParameters{}, fmt.Errorf("%s: malformed ControlResponse: %w", cmd, err)
	}
	body, _, err := r.Params()
	if err != nil {
		return body, fmt.Errorf("%s: malformed response body: %w", cmd, err)
	}
	if !r.OK() {
		return body, &ctlError{command: cmd.String(), code: r.Code, text: r.Text}
	}
	return body, nil
}

// dataset fetches a status dataset by name (all segments).
func (c *ctlClient) dataset(ctx context.Context, name ndn.Name) ([]byte, error) {
	what := strings.TrimPrefix(name.Prefix(min(name.Len(), 4)).String(), nfd.NfdPrefix+"/")
	a := nfd.NewAssembler(name)
	i := &ndn.Interest{Name: name, CanBePrefix: true, MustBeFresh: true, Lifetime: c.timeout}
	for range 100000 {
		d, err := c.express(ctx, what, i)
		if err != nil {
			return nil, err
		}
		done, err := a.Add(d)
		if rej, ok := nfd.IsReject(err); ok {
			return nil, &ctlError{command: what, code: rej.Code, text: rej.Text}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		if done {
			return a.Payload(), nil
		}
		i = &ndn.Interest{Name: a.NextName(), MustBeFresh: true, Lifetime: c.timeout}
	}
	return nil, fmt.Errorf("%s: too many segments", what)
}

func (c *ctlClient) datasetPath(ctx context.Context, path string) ([]byte, error) {
	return c.dataset(ctx, nfd.DatasetName(c.prefix, path))
}

func (c *ctlClient) faces(ctx context.Context, f *nfd.FaceQueryFilter) ([]nfd.FaceStatus, error) {
	var b []byte
	var err error
	if f == nil {
		b, err = c.datasetPath(ctx, "faces/list")
	} else {
		b, err = c.dataset(ctx, nfd.FaceQueryName(c.prefix, f))
	}
	if err != nil {
		return nil, err
	}
	return nfd.DecodeFaceStatusList(b)
}

// faceByID returns the face with FaceId id, or an error saying it does
// not exist.
func (c *ctlClient) faceByID(ctx context.Context, id uint64) (nfd.FaceStatus, error) {
	l, err := c.faces(ctx, &nfd.FaceQueryFilter{FaceID: id, HasFaceID: true})
	if err != nil {
		return nfd.FaceStatus{}, err
	}
	if len(l) == 0 {
		return nfd.FaceStatus{}, fmt.Errorf("face %d not found", id)
	}
	return l[0], nil
}

// canonize parses and canonizes a FaceUri as nfdc does (resolving host
// names).
func canonize(ctx context.Context, s string) (nfd.FaceURI, error) {
	u, err := nfd.ParseFaceURI(s)
	if err != nil {
		return u, fmt.Errorf("malformed FaceUri %q", s)
	}
	if u.IsCanonical() {
		return u, nil
	}
	cu, err := u.Canonize(ctx, nil)
	if err != nil {
		return u, fmt.Errorf("cannot canonize FaceUri %q: %w", s, err)
	}
	return cu, nil
}

// nextHop resolves a FACEID or FaceUri argument to an existing face.
func (c *ctlClient) nextHop(ctx context.Context, arg string) (nfd.FaceStatus, error) {
	if id, err := strconv.ParseUint(arg, 10, 64); err == nil {
		return c.faceByID(ctx, id)
	}
	u, err := canonize(ctx, arg)
	if err != nil {
		return nfd.FaceStatus{}, err
	}
	l, err := c.faces(ctx, &nfd.FaceQueryFilter{URI: u.String(), HasURI: true})
	if err != nil {
		return nfd.FaceStatus{}, err
	}
	if len(l) == 0 {
		return nfd.FaceStatus{}, fmt.Errorf("no face with remote FaceUri %s (create it with `ndnflow ctl face create`)", u)
	}
	return l[0], nil
}

// routeFace resolves the FACEID|URI argument of route add/remove to the
// FaceId to send: 0 omits FaceId, so the forwarder uses the requesting
// face (ndn-protocols.md §4.4); another number is checked against
// faces/list only under /localhost/nfd, the prefix where datasets are
// served; a FaceUri is looked up there.
func (c *ctlClient) routeFace(ctx context.Context, arg string) (id uint64, has bool, err error) {
	if n, err := strconv.ParseUint(arg, 10, 64); err == nil {
		if n == 0 {
			return 0, false, nil
		}
		if !c.isLocalhostPrefix() {
			return n, true, nil
		}
	} else if !c.isLocalhostPrefix() {
		return 0, false, fmt.Errorf("a FaceUri needs faces/list, served under %s only; give a FACEID or 0 (the requesting face)", nfd.NfdPrefix)
	}
	f, err := c.nextHop(ctx, arg)
	if err != nil {
		return 0, false, err
	}
	return f.FaceID, true, nil
}

// --- output ---

func (o *ctlOpts) printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func table(w io.Writer, header string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

func u64(v uint64) string { return strconv.FormatUint(v, 10) }

// durString prints a time left for people: whole seconds.
func durString(d time.Duration) string { return d.Round(time.Second).String() }

// jsonParams is the JSON form of ControlParameters (present fields only).
type jsonParams struct {
	Name                          string  `json:"name,omitempty"`
	FaceID                        *uint64 `json:"face_id,omitempty"`
	URI                           string  `json:"uri,omitempty"`
	LocalURI                      string  `json:"local_uri,omitempty"`
	Origin                        *uint64 `json:"origin,omitempty"`
	Cost                          *uint64 `json:"cost,omitempty"`
	Capacity                      *uint64 `json:"capacity,omitempty"`
	Count                         *uint64 `json:"count,omitempty"`
	Flags                         *uint64 `json:"flags,omitempty"`
	Mask                          *uint64 `json:"mask,omitempty"`
	Strategy                      string  `json:"strategy,omitempty"`
	ExpirationPeriod              *int64  `json:"expiration_period,omitempty"`
	FacePersistency               string  `json:"face_persistency,omitempty"`
	BaseCongestionMarkingInterval *int64  `json:"base_congestion_marking_interval,omitempty"`
	DefaultCongestionThreshold    *uint64 `json:"default_congestion_threshold,omitempty"`
	Mtu                           *uint64 `json:"mtu,omitempty"`
}

func paramsJSON(p *nfd.ControlParameters) jsonParams {
	var j jsonParams
	u := func(has bool, v uint64) *uint64 {
		if has {
			return &v
		}
		return nil
	}
	if p.HasName {
		j.Name = p.Name.String()
	}
	j.FaceID = u(p.HasFaceID, p.FaceID)
	j.URI, j.LocalURI = p.URI, p.LocalURI
	j.Origin = u(p.HasOrigin, uint64(p.Origin))
	j.Cost = u(p.HasCost, p.Cost)
	j.Capacity = u(p.HasCapacity, p.Capacity)
	j.Count = u(p.HasCount, p.Count)
	j.Flags = u(p.HasFlags, p.Flags)
	j.Mask = u(p.HasMask, p.Mask)
	if p.HasStrategy {
		j.Strategy = p.Strategy.String()
	}
	if p.HasExpirationPeriod {
		ms := p.ExpirationPeriod.Milliseconds()
		j.ExpirationPeriod = &ms
	}
	if p.HasFacePersistency {
		j.FacePersistency = p.FacePersistency.String()
	}
	if p.HasBaseCongestionMarkingInterval {
		ns := p.BaseCongestionMarkingInterval.Nanoseconds()
		j.BaseCongestionMarkingInterval = &ns
	}
	j.DefaultCongestionThreshold = u(p.HasDefaultCongestionThreshold, p.DefaultCongestionThreshold)
	j.Mtu = u(p.HasMtu, p.Mtu)
	return j
}

// jsonFace is the JSON form of a FaceStatus.
type jsonFace struct {
	FaceID                        uint64  `json:"face_id"`
	URI                           string  `json:"uri"`
	LocalURI                      string  `json:"local_uri"`
	ExpirationPeriod              *int64  `json:"expiration_period,omitempty"`
	FaceScope                     string  `json:"face_scope"`
	FacePersistency               string  `json:"face_persistency"`
	LinkType                      string  `json:"link_type"`
	BaseCongestionMarkingInterval *int64  `json:"base_congestion_marking_interval,omitempty"`
	DefaultCongestionThreshold    *uint64 `json:"default_congestion_threshold,omitempty"`
	Mtu                           *uint64 `json:"mtu,omitempty"`
	NInInterests                  uint64  `json:"n_in_interests"`
	NInData                       uint64  `json:"n_in_data"`
	NInNacks                      uint64  `json:"n_in_nacks"`
	NOutInterests                 uint64  `json:"n_out_interests"`
	NOutData                      uint64  `json:"n_out_data"`
	NOutNacks                     uint64  `json:"n_out_nacks"`
	NInBytes                      uint64  `json:"n_in_bytes"`
	NOutBytes                     uint64  `json:"n_out_bytes"`
	Flags                         uint64  `json:"flags"`
}

func faceJSON(f *nfd.FaceStatus) jsonFace {
	j := jsonFace{FaceID: f.FaceID, URI: f.URI, LocalURI: f.LocalURI, FaceScope: f.FaceScope.String(),
		FacePersistency: f.FacePersistency.String(), LinkType: f.LinkType.String(),
		NInInterests: f.NInInterests, NInData: f.NInData, NInNacks: f.NInNacks,
		NOutInterests: f.NOutInterests, NOutData: f.NOutData, NOutNacks: f.NOutNacks,
		NInBytes: f.NInBytes, NOutBytes: f.NOutBytes, Flags: f.Flags}
	if f.HasExpirationPeriod {
		ms := f.ExpirationPeriod.Milliseconds()
		j.ExpirationPeriod = &ms
	}
	if f.HasBaseCongestionMarkingInterval {
		ns := f.BaseCongestionMarkingInterval.Nanoseconds()
		j.BaseCongestionMarkingInterval = &ns
	}
	if f.HasDefaultCongestionThreshold {
		j.DefaultCongestionThreshold = &f.DefaultCongestionThreshold
	}
	if f.HasMtu {
		j.Mtu = &f.Mtu
	}
	return j
}

func routeFlags(f uint64) string {
	var s []string
	if f&nfd.RouteChildInherit != 0 {
		s = append(s, "child-inherit")
	}
	if f&nfd.RouteCapture != 0 {
		s = append(s, "capture")
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ",")
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// --- commands ---

// newCtlCmd builds `ndnflow ctl`, an nfdc-like management tool.
func newCtlCmd() *cobra.Command {
	o := &ctlOpts{}
	root := &cobra.Command{
		Use:   "ctl",
		Short: "Manage a forwarder (ndnflow, NFD or ndnd) over the NFD management protocol",
		Long: `Manage a forwarder over the NFD management protocol, like nfdc: faces, routes,
the FIB, strategies, the content store and channels. It works with ndnflow,
NFD and ndnd. Commands are signed Interests (DigestSha256 unless --sign
names a key), which forwarders accept from local applications.

Output is a human-readable table, or JSON with --json (NFD's dataset field
names in snake_case). Errors exit with status 1 and NFD's status text, e.g.
"ndnflow: rib/register: 403 authorization rejected".`,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&o.app.uplink, "uplink", "",
		"forwarder URI: unix:///path, tcp://host:port or udp://host:port (default $NDN_CLIENT_TRANSPORT, else "+app.DefaultURI+")")
	pf.BoolVar(&o.json, "json", false, "print JSON instead of tables")
	pf.DurationVar(&o.timeout, "timeout", 4*time.Second, "how long to wait for each answer")
	pf.StringVar(&o.sign, "sign", "digest", "sign commands with `KEY` from the keychain (an identity, key or certificate name) or digest")
	pf.StringVar(&o.app.keychain, "keychain", "", "keychain directory for --sign (default $NDNFLOW_KEYCHAIN or the user config dir)")
	pf.StringVar(&o.mgmtPrefix, "mgmt-prefix", "",
		"management prefix: localhost (/localhost/nfd), localhop (/localhop/nfd, RIB commands on the next hop) or a /name (default localhost over unix and loopback tcp/ws, else localhop)")

	run := func(fn func(ctx context.Context, c *ctlClient, w io.Writer, args []string) error) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			c, err := o.connect(cmd)
			if err != nil {
				return err
			}
			defer c.Close()
			return fn(cmd.Context(), c, cmd.OutOrStdout(), args)
		}
	}
	group := func(use, short string, subs ...*cobra.Command) *cobra.Command {
		g := &cobra.Command{Use: use, Short: short}
		g.AddCommand(subs...)
		return g
	}

	root.AddCommand(
		&cobra.Command{Use: "status", Short: "Show the forwarder's general status (status/general)", Args: cobra.NoArgs,
			RunE: run(o.status)},
		group("face", "List, show, create and destroy faces",
			&cobra.Command{Use: "list", Short: "List faces (faces/list)", Args: cobra.NoArgs, RunE: run(o.faceList)},
			&cobra.Command{Use: "show FACEID", Short: "Show one face", Args: cobra.ExactArgs(1), RunE: run(o.faceShow)},
			o.faceCreateCmd(run),
			&cobra.Command{Use: "destroy FACEID|URI", Short: "Destroy a face", Args: cobra.ExactArgs(1), RunE: run(o.faceDestroy)},
		),
		group("route", "List, add and remove routes (the RIB)",
			&cobra.Command{Use: "list", Short: "List routes (rib/list)", Args: cobra.NoArgs, RunE: run(o.routeList)},
			o.routeAddCmd(run),
			o.routeRemoveCmd(run),
		),
		group("fib", "Show the FIB",
			&cobra.Command{Use: "list", Short: "List FIB entries (fib/list)", Args: cobra.NoArgs, RunE: run(o.fibList)},
		),
		group("strategy", "List, set and unset strategy choices",
			&cobra.Command{Use: "list", Short: "List strategy choices", Args: cobra.NoArgs, RunE: run(o.strategyList)},
			&cobra.Command{Use: "set PREFIX STRATEGY", Short: "Set the strategy of a prefix (e.g. best-route, /localhost/nfd/strategy/multicast/v=5)",
				Args: cobra.ExactArgs(2), RunE: run(o.strategySet)},
			&cobra.Command{Use: "unset PREFIX", Short: "Unset the strategy of a prefix", Args: cobra.ExactArgs(1), RunE: run(o.strategyUnset)},
		),
		group("cs", "Show, configure and erase the content store",
			&cobra.Command{Use: "info", Short: "Show CS information (cs/info)", Args: cobra.NoArgs, RunE: run(o.csInfo)},
			o.csConfigCmd(run),
			o.csEraseCmd(run),
		),
		group("channel", "Show listening channels",
			&cobra.Command{Use: "list", Short: "List channels (faces/channels)", Args: cobra.NoArgs, RunE: run(o.channelList)},
		),
	)
	return root
}

type runFunc = func(fn func(ctx context.Context, c *ctlClient, w io.Writer, args []string) error) func(*cobra.Command, []string) error

func (o *ctlOpts) status(ctx context.Context, c *ctlClient, w io.Writer, _ []string) error {
	b, err := c.datasetPath(ctx, "status/general")
	if err != nil {
		return err
	}
	var s nfd.ForwarderStatus
	if err := s.Decode(b); err != nil {
		return fmt.Errorf("status/general: %w", err)
	}
	if o.json {
		return o.printJSON(w, map[string]any{
			"nfd_version": s.NfdVersion, "start_timestamp": s.StartTimestamp.UnixMilli(), "current_timestamp": s.CurrentTimestamp.UnixMilli(),
			"n_name_tree_entries": s.NNameTreeEntries, "n_fib_entries": s.NFibEntries, "n_pit_entries": s.NPitEntries,
			"n_measurements_entries": s.NMeasurementsEntries, "n_cs_entries": s.NCsEntries,
			"n_in_interests": s.NInInterests, "n_in_data": s.NInData, "n_in_nacks": s.NInNacks,
			"n_out_interests": s.NOutInterests, "n_out_data": s.NOutData, "n_out_nacks": s.NOutNacks,
			"n_satisfied_interests": s.NSatisfiedInterests, "n_unsatisfied_interests": s.NUnsatisfiedInterests,
		})
	}
	up := s.CurrentTimestamp.Sub(s.StartTimestamp).Round(time.Second)
	fmt.Fprintf(w, "General forwarder status:\n")
	for _, kv := range [][2]string{
		{"version", s.NfdVersion},
		{"startTime", s.StartTimestamp.UTC().Format(time.RFC3339)},
		{"currentTime", s.CurrentTimestamp.UTC().Format(time.RFC3339)},
		{"uptime", up.String()},
		{"nNameTreeEntries", u64(s.NNameTreeEntries)}, {"nFibEntries", u64(s.NFibEntries)},
		{"nPitEntries", u64(s.NPitEntries)}, {"nMeasurementsEntries", u64(s.NMeasurementsEntries)},
		{"nCsEntries", u64(s.NCsEntries)},
		{"nInInterests", u64(s.NInInterests)}, {"nOutInterests", u64(s.NOutInterests)},
		{"nInData", u64(s.NInData)}, {"nOutData", u64(s.NOutData)},
		{"nInNacks", u64(s.NInNacks)}, {"nOutNacks", u64(s.NOutNacks)},
		{"nSatisfiedInterests", u64(s.NSatisfiedInterests)}, {"nUnsatisfiedInterests", u64(s.NUnsatisfiedInterests)},
	} {
		fmt.Fprintf(w, "%22s=%s\n", kv[0], kv[1])
	}
	return nil
}

func (o *ctlOpts) printFaces(w io.Writer, l []nfd.FaceStatus) error {
	if o.json {
		out := make([]jsonFace, 0, len(l))
		for i := range l {
			out = append(out, faceJSON(&l[i]))
		}
		return o.printJSON(w, out)
	}
	var rows [][]string
	for _, f := range l {
		mtu := "-"
		if f.HasMtu {
			mtu = u64(f.Mtu)
		}
		rows = append(rows, []string{u64(f.FaceID), f.URI, f.LocalURI, f.FaceScope.String(), f.FacePersistency.String(),
			f.LinkType.String(), mtu,
			fmt.Sprintf("%di %dd %dn %dB", f.NInInterests, f.NInData, f.NInNacks, f.NInBytes),
			fmt.Sprintf("%di %dd %dn %dB", f.NOutInterests, f.NOutData, f.NOutNacks, f.NOutBytes)})
	}
	return table(w, "FACEID\tREMOTE\tLOCAL\tSCOPE\tPERSISTENCY\tLINK\tMTU\tIN\tOUT", rows)
}

func (o *ctlOpts) faceList(ctx context.Context, c *ctlClient, w io.Writer, _ []string) error {
	l, err := c.faces(ctx, nil)
	if err != nil {
		return err
	}
	return o.printFaces(w, l)
}

func parseFaceID(s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, usageError{fmt.Errorf("%q is not a FaceId", s)}
	}
	return id, nil
}

func (o *ctlOpts) faceShow(ctx context.Context, c *ctlClient, w io.Writer, args []string) error {
	id, err := parseFaceID(args[0])
	if err != nil {
		return err
	}
	f, err := c.faceByID(ctx, id)
	if err != nil {
		return err
	}
	if o.json {
		return o.printJSON(w, faceJSON(&f))
	}
	fmt.Fprintf(w, "    faceid=%d\n    remote=%s\n     local=%s\n     scope=%s\npersistency=%s\n  linktype=%s\n", f.FaceID, f.URI, f.LocalURI,
		f.FaceScope, f.FacePersistency, f.LinkType)
	if f.HasMtu {
		fmt.Fprintf(w, "       mtu=%d\n", f.Mtu)
	}
	if f.HasExpirationPeriod {
		fmt.Fprintf(w, "   expires=%s\n", durString(f.ExpirationPeriod))
	}
	fmt.Fprintf(w, "  counters={in={%di %dd %dn %dB} out={%di %dd %dn %dB}}\n     flags=%s\n",
		f.NInInterests, f.NInData, f.NInNacks, f.NInBytes, f.NOutInterests, f.NOutData, f.NOutNacks, f.NOutBytes,
		map[bool]string{true: "local-fields", false: "none"}[f.Flags&(1<<nfd.FaceBitLocalFields) != 0])
	return nil
}

func (o *ctlOpts) faceCreateCmd(run runFunc) *cobra.Command {
	var persistency string
	var mtu uint64
	var localFields bool
	cmd := &cobra.Command{Use: "create URI", Short: "Create a UDP or TCP face (faces/create)", Args: cobra.ExactArgs(1)}
	cmd.RunE = run(func(ctx context.Context, c *ctlClient, w io.Writer, args []string) error {
		p := &nfd.ControlParameters{}
		switch persistency {
		case "persistent":
			p.FacePersistency, p.HasFacePersistency = nfd.PersistencyPersistent, true
		case "permanent":
			p.FacePersistency, p.HasFacePersistency = nfd.PersistencyPermanent, true
		default:
			return usageError{fmt.Errorf("--persistency %q: want persistent or permanent", persistency)}
		}
		u, err := canonize(ctx, args[0])
		if err != nil {
			return fmt.Errorf("face create: %w", err)
		}
		p.URI, p.HasURI = u.String(), true
		if cmd.Flags().Changed("mtu") {
			p.Mtu, p.HasMtu = mtu, true
		}
		if localFields {
			p.SetFlagBit(nfd.FaceBitLocalFields, true)
		}
		body, err := c.command(ctx, nfd.FacesCreate, p)
		var ce *ctlError
		exists := errors.As(err, &ce) && ce.code == nfd.StatusConflict && body.HasFaceID
		if err != nil && !exists {
			return err
		}
		if o.json {
			j := paramsJSON(&body)
			return o.printJSON(w, struct {
				jsonParams
				Exists bool `json:"exists"`
			}{j, exists})
		}
		verb := "face-created"
		if exists {
			verb = "face-exists"
		}
		fmt.Fprintf(w, "%s id=%d local=%s remote=%s persistency=%s\n", verb, body.FaceID, body.LocalURI, body.URI, body.FacePersistency)
		return nil
	})
	f := cmd.Flags()
	f.StringVar(&persistency, "persistency", "persistent", "persistent or permanent (permanent TCP faces reconnect)")
	f.Uint64Var(&mtu, "mtu", 0, "MTU override in bytes (UDP only)")
	f.BoolVar(&localFields, "local-fields", false, "enable local fields (local faces only)")
	return cmd
}

func (o *ctlOpts) faceDestroy(ctx context.Context, c *ctlClient, w io.Writer, args []string) error {
	f, err := c.nextHop(ctx, args[0])
	if err != nil {
		return fmt.Errorf("face destroy: %w", err)
	}
	body, err := c.command(ctx, nfd.FacesDestroy, &nfd.ControlParameters{FaceID: f.FaceID, HasFaceID: true})
	if err != nil {
		return err
	}
	if o.json {
		return o.printJSON(w, paramsJSON(&body))
	}
	fmt.Fprintf(w, "face-destroyed id=%d local=%s remote=%s persistency=%s\n", f.FaceID, f.LocalURI, f.URI, f.FacePersistency)
	return nil
}

func (o *ctlOpts) routeList(ctx context.Context, c *ctlClient, w io.Writer, _ []string) error {
	b, err := c.datasetPath(ctx, "rib/list")
	if err != nil {
		return err
	}
	l, err := nfd.DecodeRibEntryList(b)
	if err != nil {
		return fmt.Errorf("rib/list: %w", err)
	}
	if o.json {
		type route struct {
			FaceID           uint64 `json:"face_id"`
			Origin           uint64 `json:"origin"`
			Cost             uint64 `json:"cost"`
			Flags            uint64 `json:"flags"`
			ExpirationPeriod *int64 `json:"expiration_period,omitempty"`
		}
		type entry struct {
			Name   string  `json:"name"`
			Routes []route `json:"routes"`
		}
		out := []entry{}
		for _, e := range l {
			je := entry{Name: e.Name.String(), Routes: []route{}}
			for _, r := range e.Routes {
				jr := route{FaceID: r.FaceID, Origin: uint64(r.Origin), Cost: r.Cost, Flags: r.Flags}
				if r.HasExpirationPeriod {
					ms := r.ExpirationPeriod.Milliseconds()
					jr.ExpirationPeriod = &ms
				}
				je.Routes = append(je.Routes, jr)
			}
			out = append(out, je)
		}
		return o.printJSON(w, out)
	}
	var rows [][]string
	for _, e := range l {
		for _, r := range e.Routes {
			exp := "never"
			if r.HasExpirationPeriod {
				exp = durString(r.ExpirationPeriod)
			}
			rows = append(rows, []string{e.Name.String(), u64(r.FaceID), r.Origin.String(), u64(r.Cost), routeFlags(r.Flags), exp})
		}
	}
	return table(w, "PREFIX\tNEXTHOP\tORIGIN\tCOST\tFLAGS\tEXPIRES", rows)
}

func parsePrefix(s string) (ndn.Name, error) {
	n, err := ndn.ParseName(s)
	if err != nil {
		return n, usageError{fmt.Errorf("%q is not a name: %w", s, err)}
	}
	return n, nil
}

func (o *ctlOpts) routeAddCmd(run runFunc) *cobra.Command {
	var cost, origin uint64
	var noInherit, capture bool
	var expires time.Duration
	cmd := &cobra.Command{Use: "add PREFIX FACEID|URI", Short: "Add a route (rib/register); FACEID 0 is the face ctl sends from", Args: cobra.ExactArgs(2)}
	cmd.RunE = run(func(ctx context.Context, c *ctlClient, w io.Writer, args []string) error {
		prefix, err := parsePrefix(args[0])
		if err != nil {
			return err
		}
		if origin > 65535 {
			return usageError{fmt.Errorf("--origin %d: at most 65535", origin)}
		}
		faceID, hasFaceID, err := c.routeFace(ctx, args[1])
		if err != nil {
			return fmt.Errorf("route add: %w", err)
		}
		p := &nfd.ControlParameters{Name: prefix, HasName: true, FaceID: faceID, HasFaceID: hasFaceID,
			Origin: nfd.RouteOrigin(origin), HasOrigin: true, Cost: cost, HasCost: true, HasFlags: true}
		if !noInherit {
			p.Flags |= nfd.RouteChildInherit
		}
		if capture {
			p.Flags |= nfd.RouteCapture
		}
		if expires > 0 {
			p.ExpirationPeriod, p.HasExpirationPeriod = expires, true
		}
		body, err := c.command(ctx, nfd.RibRegister, p)
		if err != nil {
			return err
		}
		if o.json {
			return o.printJSON(w, paramsJSON(&body))
		}
		exp := "never"
		if body.HasExpirationPeriod {
			exp = durString(body.ExpirationPeriod)
		}
		fmt.Fprintf(w, "route-add-accepted prefix=%s nexthop=%d origin=%d cost=%d flags=%s expires=%s\n",
			body.Name, body.FaceID, body.Origin, body.Cost, routeFlags(body.Flags), exp)
		return nil
	})
	f := cmd.Flags()
	f.Uint64Var(&cost, "cost", 0, "route cost")
	f.Uint64Var(&origin, "origin", uint64(nfd.OriginStatic), "route origin (255 static, 0 app, 65 client, 128 nlsr, …)")
	f.BoolVar(&noInherit, "no-inherit", false, "do not let the route serve longer prefixes (clear CHILD_INHERIT)")
	f.BoolVar(&capture, "capture", false, "block routes inherited from shorter prefixes (CAPTURE)")
	f.DurationVar(&expires, "expires", 0, "remove the route after this long (default never)")
	return cmd
}

func (o *ctlOpts) routeRemoveCmd(run runFunc) *cobra.Command {
	var origin uint64
	cmd := &cobra.Command{Use: "remove PREFIX FACEID|URI", Short: "Remove a route (rib/unregister); FACEID 0 is the face ctl sends from", Args: cobra.ExactArgs(2)}
	cmd.RunE = run(func(ctx context.Context, c *ctlClient, w io.Writer, args []string) error {
		prefix, err := parsePrefix(args[0])
		if err != nil {
			return err
		}
		faceID, hasFaceID, err := c.routeFace(ctx, args[1])
		if err != nil {
			return fmt.Errorf("route remove: %w", err)
		}
		body, err := c.command(ctx, nfd.RibUnregister, &nfd.ControlParameters{Name: prefix, HasName: true,
			FaceID: faceID, HasFaceID: hasFaceID, Origin: nfd.RouteOrigin(origin), HasOrigin: true})
		if err != nil {
			return err
		}
		if o.json {
			return o.printJSON(w, paramsJSON(&body))
		}
		fmt.Fprintf(w, "route-removed prefix=%s nexthop=%d origin=%d\n", body.Name, body.FaceID, body.Origin)
		return nil
	})
	cmd.Flags().Uint64Var(&origin, "origin", uint64(nfd.OriginStatic), "origin of the route to remove")
	return cmd
}

func (o *ctlOpts) fibList(ctx context.Context, c *ctlClient, w io.Writer, _ []string) error {
	b, err := c.datasetPath(ctx, "fib/list")
	if err != nil {
		return err
	}
	l, err := nfd.DecodeFibEntryList(b)
	if err != nil {
		return fmt.Errorf("fib/list: %w", err)
	}
	if o.json {
		type hop struct {
			FaceID uint64 `json:"face_id"`
			Cost   uint64 `json:"cost"`
		}
		type entry struct {
			Name     string `json:"name"`
			NextHops []hop  `json:"next_hops"`
		}
		out := []entry{}
		for _, e := range l {
			je := entry{Name: e.Name.String(), NextHops: []hop{}}
			for _, h := range e.NextHops {
				je.NextHops = append(je.NextHops, hop{h.FaceID, h.Cost})
			}
			out = append(out, je)
		}
		return o.printJSON(w, out)
	}
	var rows [][]string
	for _, e := range l {
		var hops []string
		for _, h := range e.NextHops {
			hops = append(hops, fmt.Sprintf("%d (cost=%d)", h.FaceID, h.Cost))
		}
		rows = append(rows, []string{e.Name.String(), strings.Join(hops, " ")})
	}
	return table(w, "PREFIX\tNEXTHOPS", rows)
}

func (o *ctlOpts) strategyList(ctx context.Context, c *ctlClient, w io.Writer, _ []string) error {
	b, err := c.datasetPath(ctx, "strategy-choice/list")
	if err != nil {
		return err
	}
	l, err := nfd.DecodeStrategyChoiceList(b)
	if err != nil {
		return fmt.Errorf("strategy-choice/list: %w", err)
	}
	if o.json {
		type choice struct {
			Name     string `json:"name"`
			Strategy string `json:"strategy"`
		}
		out := []choice{}
		for _, s := range l {
			out = append(out, choice{s.Name.String(), s.Strategy.String()})
		}
		return o.printJSON(w, out)
	}
	var rows [][]string
	for _, s := range l {
		rows = append(rows, []string{s.Name.String(), s.Strategy.String()})
	}
	return table(w, "PREFIX\tSTRATEGY", rows)
}

// strategyName accepts "best-route", "best-route/v=5" or a full name.
func strategyName(s string) (ndn.Name, error) {
	if !strings.HasPrefix(s, "/") {
		s = "/localhost/nfd/strategy/" + s
	}
	return parsePrefix(s)
}

func (o *ctlOpts) strategySet(ctx context.Context, c *ctlClient, w io.Writer, args []string) error {
	prefix, err := parsePrefix(args[0])
	if err != nil {
		return err
	}
	st, err := strategyName(args[1])
	if err != nil {
		return err
	}
	body, err := c.command(ctx, nfd.StrategyChoiceSet, &nfd.ControlParameters{Name: prefix, HasName: true, Strategy: st, HasStrategy: true})
	if err != nil {
		return err
	}
	if o.json {
		return o.printJSON(w, paramsJSON(&body))
	}
	fmt.Fprintf(w, "strategy-set prefix=%s strategy=%s\n", body.Name, body.Strategy)
	return nil
}

func (o *ctlOpts) strategyUnset(ctx context.Context, c *ctlClient, w io.Writer, args []string) error {
	prefix, err := parsePrefix(args[0])
	if err != nil {
		return err
	}
	if prefix.IsEmpty() {
		return usageError{errors.New("the strategy of / cannot be unset")}
	}
	body, err := c.command(ctx, nfd.StrategyChoiceUnset, &nfd.ControlParameters{Name: prefix, HasName: true})
	if err != nil {
		return err
	}
	if o.json {
		return o.printJSON(w, paramsJSON(&body))
	}
	fmt.Fprintf(w, "strategy-unset prefix=%s\n", body.Name)
	return nil
}

func (o *ctlOpts) csInfo(ctx context.Context, c *ctlClient, w io.Writer, _ []string) error {
	b, err := c.datasetPath(ctx, "cs/info")
	if err != nil {
		return err
	}
	ci, err := nfd.DecodeCsInfo(b)
	if err != nil {
		return fmt.Errorf("cs/info: %w", err)
	}
	admit, serve := ci.Flags&(1<<nfd.CsBitEnableAdmit) != 0, ci.Flags&(1<<nfd.CsBitEnableServe) != 0
	if o.json {
		return o.printJSON(w, map[string]any{"capacity": ci.Capacity, "flags": ci.Flags, "admit": admit, "serve": serve,
			"n_cs_entries": ci.NCsEntries, "n_hits": ci.NHits, "n_misses": ci.NMisses})
	}
	fmt.Fprintf(w, "CS information:\n  capacity=%d\n     admit=%s\n     serve=%s\n  nEntries=%d\n     nHits=%d\n   nMisses=%d\n",
		ci.Capacity, onOff(admit), onOff(serve), ci.NCsEntries, ci.NHits, ci.NMisses)
	return nil
}

func parseOnOff(flag, s string) (bool, error) {
	switch s {
	case "on", "true", "yes":
		return true, nil
	case "off", "false", "no":
		return false, nil
	}
	return false, usageError{fmt.Errorf("--%s %q: want on or off", flag, s)}
}

func (o *ctlOpts) csConfigCmd(run runFunc) *cobra.Command {
	var capacity uint64
	var admit, serve string
	cmd := &cobra.Command{Use: "config", Short: "Change the CS capacity and admit/serve switches (cs/config)", Args: cobra.NoArgs}
	cmd.RunE = run(func(ctx context.Context, c *ctlClient, w io.Writer, _ []string) error {
		p := &nfd.ControlParameters{}
		if cmd.Flags().Changed("capacity") {
			p.Capacity, p.HasCapacity = capacity, true
		}
		for _, sw := range []struct {
			flag, val string
			bit       uint
		}{{"admit", admit, nfd.CsBitEnableAdmit}, {"serve", serve, nfd.CsBitEnableServe}} {
			if !cmd.Flags().Changed(sw.flag) {
				continue
			}
			v, err := parseOnOff(sw.flag, sw.val)
			if err != nil {
				return err
			}
			p.SetFlagBit(sw.bit, v)
		}
		body, err := c.command(ctx, nfd.CsConfig, p)
		if err != nil {
			return err
		}
		if o.json {
			return o.printJSON(w, paramsJSON(&body))
		}
		fmt.Fprintf(w, "cs-config-updated capacity=%d admit=%s serve=%s\n", body.Capacity,
			onOff(body.Flags&(1<<nfd.CsBitEnableAdmit) != 0), onOff(body.Flags&(1<<nfd.CsBitEnableServe) != 0))
		return nil
	})
	f := cmd.Flags()
	f.Uint64Var(&capacity, "capacity", 0, "capacity in packets (0 disables the CS)")
	f.StringVar(&admit, "admit", "", "admit Data into the CS: on or off")
	f.StringVar(&serve, "serve", "", "serve Interests from the CS: on or off")
	return cmd
}

func (o *ctlOpts) csEraseCmd(run runFunc) *cobra.Command {
	var count uint64
	cmd := &cobra.Command{Use: "erase PREFIX", Short: "Erase cached Data under a prefix (cs/erase, repeated until done)", Args: cobra.ExactArgs(1)}
	cmd.RunE = run(func(ctx context.Context, c *ctlClient, w io.Writer, args []string) error {
		prefix, err := parsePrefix(args[0])
		if err != nil {
			return err
		}
		if cmd.Flags().Changed("count") && count == 0 {
			return usageError{errors.New("--count must be positive")}
		}
		var total uint64
		for range 1 << 20 {
			p := &nfd.ControlParameters{Name: prefix, HasName: true}
			if count > 0 {
				p.Count, p.HasCount = count-total, true
			}
			body, err := c.command(ctx, nfd.CsErase, p)
			if err != nil {
				return err
			}
			total += body.Count
			// NFD erases at most 256 per command and says so with Capacity.
			if !body.HasCapacity || body.Count == 0 || count > 0 && total >= count {
				break
			}
		}
		if o.json {
			return o.printJSON(w, map[string]any{"name": prefix.String(), "count": total})
		}
		fmt.Fprintf(w, "cs-erased prefix=%s count=%d\n", prefix, total)
		return nil
	})
	cmd.Flags().Uint64Var(&count, "count", 0, "erase at most this many entries (default all)")
	return cmd
}

func (o *ctlOpts) channelList(ctx context.Context, c *ctlClient, w io.Writer, _ []string) error {
	b, err := c.datasetPath(ctx, "faces/channels")
	if err != nil {
		return err
	}
	l, err := nfd.DecodeChannelStatusList(b)
	if err != nil {
		return fmt.Errorf("faces/channels: %w", err)
	}
	if o.json {
		type ch struct {
			LocalURI string `json:"local_uri"`
		}
		out := []ch{}
		for _, c := range l {
			out = append(out, ch{c.LocalURI})
		}
		return o.printJSON(w, out)
	}
	for _, c := range l {
		fmt.Fprintln(w, c.LocalURI)
	}
	return nil
}

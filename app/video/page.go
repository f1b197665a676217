package video

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"strings"
	"time"
)

func sortStreams(s []Stream) {
	sort.Slice(s, func(i, j int) bool { return s[i].Prefix < s[j].Prefix })
}

// pageTemplate is the player page. With ?play=<path> it plays that HLS
// playlist with hls.js (or natively where the browser plays HLS) and records
// media errors in window.ndnflowErrors, which tests read.
var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ndnflow video{{if .Play}}: {{.Play}}{{end}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; max-width: 60em; }
video { width: 100%; max-width: 960px; background: #000; }
li { margin: .3em 0; }
.err { color: #b00; }
code { background: #eee; padding: 0 .2em; }
</style>
</head>
<body>
<h1>ndnflow video</h1>
<p>Streams under <code>{{.Prefix}}</code>, fetched over NDN by this gateway.</p>
{{if .Error}}<p class="err">Listing streams failed: {{.Error}}</p>{{end}}
<ul>
{{range .Links}}
<li><a href="{{.Href}}">{{.Label}}</a>{{.Note}}</li>
{{else}}<li>No streams found (is a publisher running under this prefix?)</li>{{end}}
</ul>
{{if .Play}}
<h2>{{.Play}}</h2>
<video id="video" controls muted autoplay playsinline></video>
<p id="status"></p>
<script src="{{.PlayerJS}}"></script>
<script>
(function () {
  var src = {{.Play}};
  var video = document.getElementById('video');
  var status = document.getElementById('status');
  window.ndnflowErrors = [];
  function report(msg) {
    window.ndnflowErrors.push(msg);
    status.className = 'err';
    status.textContent = 'Error: ' + msg;
  }
  video.addEventListener('error', function () {
    report('media error ' + (video.error ? video.error.code + ' ' + video.error.message : ''));
  });
  if (window.Hls && Hls.isSupported()) {
    var hls = new Hls();
    window.ndnflowHls = hls;
    hls.on(Hls.Events.ERROR, function (ev, d) {
      if (d.fatal || d.type === Hls.ErrorTypes.MEDIA_ERROR) {
        report(d.type + ': ' + d.details + (d.fatal ? ' (fatal)' : ''));
      }
    });
    hls.on(Hls.Events.MANIFEST_PARSED, function (ev, d) {
      status.textContent = d.levels.length + ' renditions';
      video.play().catch(function (e) { status.textContent += ' (press play: ' + e + ')'; });
    });
    hls.loadSource(src);
    hls.attachMedia(video);
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = src;
  } else {
    report('this browser cannot play HLS and hls.js did not load from ' + {{.PlayerJS}});
  }
})();
</script>
{{end}}
</body>
</html>
`))

func (g *Gateway) servePage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	streams, err := g.Streams(ctx)
	type link struct{ Href, Label, Note string }
	data := struct {
		Prefix, Play, PlayerJS, Error string
		Links                         []link
	}{Prefix: g.opts.Prefix.String(), PlayerJS: g.opts.PlayerJS}
	for _, s := range streams {
		for _, e := range s.Entries {
			l := link{Label: s.Prefix + "/" + e.Path, Href: s.Prefix + "/" + e.Path}
			if e.Kind == "hls" {
				l.Href = "/?play=" + l.Label
			} else {
				l.Note = " (DASH manifest: open it in a DASH player)"
			}
			if e.Encrypted {
				l.Note += " (encrypted)"
			}
			data.Links = append(data.Links, l)
		}
	}
	if err != nil {
		_, _, data.Error = Classify(err)
	}
	if p := r.URL.Query().Get("play"); p != "" && strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") {
		data.Play = p
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	pageTemplate.Execute(w, data)
}

// serveStreams answers /_streams with the JSON list of streams.
func (g *Gateway) serveStreams(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	streams, err := g.Streams(ctx)
	if err != nil && len(streams) == 0 {
		g.fail(w, StreamsName(g.opts.Prefix), err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	json.NewEncoder(w).Encode(streamsList{Streams: streams})
}

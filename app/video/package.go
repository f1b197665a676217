package video

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Rendition is one quality level Package produces.
type Rendition struct {
	// Height in pixels; capped at the input's height.
	Height int
	// VideoBitrate as ffmpeg takes it, e.g. "2500k".
	VideoBitrate string
}

// PackageOptions configures Package. The zero value makes two renditions
// (720p at 2500 kbit/s and 360p at 800 kbit/s, never above the input's
// height) of H.264 and AAC in 2-second MPEG-TS segments.
type PackageOptions struct {
	Renditions []Rendition
	// SegmentDuration is the target segment length; default 2 s.
	SegmentDuration time.Duration
	// SegmentType is "mpegts" (default) or "fmp4".
	SegmentType string
	// Preset is the x264 preset; default "veryfast".
	Preset string
	// FFmpeg and FFprobe are the programs; defaults "ffmpeg" and "ffprobe"
	// found in $PATH.
	FFmpeg, FFprobe string
}

func (o *PackageOptions) applyDefaults() {
	if len(o.Renditions) == 0 {
		o.Renditions = []Rendition{{720, "2500k"}, {360, "800k"}}
	}
	if o.SegmentDuration <= 0 {
		o.SegmentDuration = 2 * time.Second
	}
	if o.SegmentType == "" {
		o.SegmentType = "mpegts"
	}
	if o.Preset == "" {
		o.Preset = "veryfast"
	}
	if o.FFmpeg == "" {
		o.FFmpeg = "ffmpeg"
	}
	if o.FFprobe == "" {
		o.FFprobe = "ffprobe"
	}
}

// Package runs ffmpeg to package the media file input as HLS in outDir
// (created if needed): master.m3u8 naming one media playlist per rendition,
// v<i>/index.m3u8, and its segments v<i>/seg<nnn>.ts (or init.mp4 and
// .m4s for fmp4). Segments start on key frames every SegmentDuration. The
// input must have a video stream; its first audio stream, if any, goes
// into every rendition. It returns ErrNoFFmpeg when ffmpeg or ffprobe is
// not installed, and ffmpeg's own message when it fails.
func Package(ctx context.Context, input, outDir string, opts PackageOptions) error {
	opts.applyDefaults()
	if opts.SegmentType != "mpegts" && opts.SegmentType != "fmp4" {
		return fmt.Errorf("video: segment type %q: want mpegts or fmp4", opts.SegmentType)
	}
	for _, prog := range []string{opts.FFmpeg, opts.FFprobe} {
		if _, err := exec.LookPath(prog); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrNoFFmpeg, prog, err)
		}
	}
	if _, err := os.Stat(input); err != nil {
		return fmt.Errorf("video: input: %w", err)
	}
	height, err := probe(ctx, opts.FFprobe, input, "v:0", "height")
	if err != nil {
		return err
	}
	h, err := strconv.Atoi(height)
	if err != nil || h <= 0 {
		return fmt.Errorf("video: %s has no video stream ffprobe can read", input)
	}
	audio, _ := probe(ctx, opts.FFprobe, input, "a:0", "index")
	hasAudio := audio != ""
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("video: %w", err)
	}
	n := len(opts.Renditions)
	secs := strconv.FormatFloat(opts.SegmentDuration.Seconds(), 'f', -1, 64)
	var filter strings.Builder
	fmt.Fprintf(&filter, "[0:v]split=%d", n)
	for i := range n {
		fmt.Fprintf(&filter, "[s%d]", i)
	}
	args := []string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", input}
	var vsm []string
	prev := h * 2
	for i, r := range opts.Renditions {
		// Never above the input, and each rendition below the one before
		// (a small input still gets distinct renditions).
		rh := min(r.Height, h, prev/2) &^ 1
		if i == 0 {
			rh = min(r.Height, h) &^ 1
		}
		prev = rh
		fmt.Fprintf(&filter, ";[s%d]scale=-2:%d[v%d]", i, max(rh, 2), i)
		args = append(args, "-map", fmt.Sprintf("[v%d]", i),
			fmt.Sprintf("-b:v:%d", i), r.VideoBitrate)
		m := fmt.Sprintf("v:%d", i)
		if hasAudio {
			m += fmt.Sprintf(",a:%d", i)
		}
		vsm = append(vsm, m)
	}
	if hasAudio {
		for range n {
			args = append(args, "-map", "0:a:0")
		}
		args = append(args, "-c:a", "aac", "-b:a", "128k", "-ac", "2")
	}
	ext, extra := "ts", []string{}
	if opts.SegmentType == "fmp4" {
		ext, extra = "m4s", []string{"-hls_fmp4_init_filename", "init.mp4"}
	}
	args = append(args,
		"-filter_complex", filter.String(),
		"-c:v", "libx264", "-preset", opts.Preset, "-profile:v", "main", "-pix_fmt", "yuv420p",
		"-force_key_frames", "expr:gte(t,n_forced*"+secs+")", "-sc_threshold", "0",
		"-f", "hls", "-hls_time", secs, "-hls_playlist_type", "vod",
		"-hls_segment_type", opts.SegmentType, "-hls_flags", "independent_segments",
		"-master_pl_name", "master.m3u8", "-var_stream_map", strings.Join(vsm, " "),
		"-hls_segment_filename", filepath.Join(outDir, "v%v", "seg%03d."+ext))
	args = append(args, extra...)
	args = append(args, filepath.Join(outDir, "v%v", "index.m3u8"))
	cmd := exec.CommandContext(ctx, opts.FFmpeg, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("video: ffmpeg packaging %s failed: %w: %s", input, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// probe returns one stream entry ffprobe reports ("" when the stream does
// not exist).
func probe(ctx context.Context, ffprobe, input, stream, entry string) (string, error) {
	out, err := exec.CommandContext(ctx, ffprobe, "-v", "error", "-select_streams", stream,
		"-show_entries", "stream="+entry, "-of", "csv=p=0", input).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("video: ffprobe %s: %s", input, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("video: ffprobe %s: %w", input, err)
	}
	return strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0]), nil
}

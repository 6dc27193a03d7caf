package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/afsel/afsel/changepoint"
	"github.com/afsel/afsel/pipeline"
	"github.com/afsel/afsel/policy"
	"github.com/afsel/afsel/transition"
)

// browserCheck is injected into a copy of a page before Chromium loads it:
// it records console errors, uncaught errors, failed loads and
// Content-Security-Policy violations as they happen, and after the load
// every image's state and every table's extent against the page's content
// box, in a <pre id="afsel-check"> that --dump-dom prints.
const browserCheck = `<script>
(function () {
  var errors = [];
  var error = console.error;
  console.error = function () {
    errors.push("console.error: " + Array.prototype.map.call(arguments, String).join(" "));
    return error.apply(console, arguments);
  };
  window.addEventListener("error", function (e) {
    var t = e.target;
    if (t && t !== window) {
      errors.push("failed to load <" + t.tagName.toLowerCase() + "> " + (t.currentSrc || t.src || t.href || (t.getAttribute && t.getAttribute("href")) || ""));
    } else {
      errors.push("uncaught error: " + e.message + " (" + e.filename + ":" + e.lineno + ")");
    }
  }, true);
  window.addEventListener("unhandledrejection", function (e) { errors.push("unhandled rejection: " + e.reason); });
  document.addEventListener("securitypolicyviolation", function (e) { errors.push("CSP violation: " + e.violatedDirective + " " + e.blockedURI); });
  window.addEventListener("load", function () {
    setTimeout(function () {
      var body = document.body, style = getComputedStyle(body);
      var right = body.getBoundingClientRect().right - parseFloat(style.paddingRight);
      var out = {errors: errors, images: [], tables: [], viewport: document.documentElement.clientWidth,
        pageWidth: document.documentElement.scrollWidth, contentRight: right};
      Array.prototype.forEach.call(document.images, function (im) {
        out.images.push({src: im.getAttribute("src") || "", ok: im.complete && im.naturalWidth > 0});
      });
      Array.prototype.forEach.call(document.querySelectorAll("table"), function (t, i) {
        var c = t.querySelector("caption");
        out.tables.push({name: t.id || (c && c.textContent) || t.className || "table " + i,
          right: t.getBoundingClientRect().right, scrollWidth: t.scrollWidth, clientWidth: t.clientWidth});
      });
      var pre = document.createElement("pre");
      pre.id = "afsel-check";
      pre.textContent = JSON.stringify(out);
      body.appendChild(pre);
    }, 0);
  });
})();
</script>
`

// browserResult is what browserCheck records.
type browserResult struct {
	Errors []string
	Images []struct {
		Src string
		OK  bool
	}
	Tables []struct {
		Name                     string
		Right                    float64
		ScrollWidth, ClientWidth float64
	}
	Viewport, PageWidth, ContentRight float64
}

// problems lists what is wrong with the page: errors, broken images,
// tables wider than the page's content, and a page wider than the window.
func (r *browserResult) problems() []string {
	p := append([]string(nil), r.Errors...)
	for _, im := range r.Images {
		if !im.OK {
			p = append(p, fmt.Sprintf("broken image %q", im.Src))
		}
	}
	for _, t := range r.Tables {
		if t.Right > r.ContentRight+1 || t.ScrollWidth > t.ClientWidth+1 {
			p = append(p, fmt.Sprintf("table %q is wider than the page: its right edge at %.0f px, the page's content ends at %.0f px", t.Name, t.Right, r.ContentRight))
		}
	}
	if r.PageWidth > r.Viewport {
		p = append(p, fmt.Sprintf("the page is %.0f px wide in a window of %.0f px", r.PageWidth, r.Viewport))
	}
	return p
}

// chromium is the path of a Chromium binary ($AFSEL_CHROMIUM, else the
// first of the usual names on $PATH), or the test is skipped.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("AFSEL_CHROMIUM"); p != "" {
		return p
	}
	names := []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell"}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Skipf("no Chromium binary (%s on $PATH, or $AFSEL_CHROMIUM): report.html is not checked in a browser; install one (Debian: apt-get install -y chromium, as .ci/run does)", strings.Join(names, ", "))
	return ""
}

var checkOutput = regexp.MustCompile(`(?s)<pre id="afsel-check">(.*?)</pre>`)

// loadInBrowser loads a copy of the page at path, with browserCheck
// injected, in headless Chromium with a window width wide, and returns
// what the check recorded.
func loadInBrowser(t *testing.T, bin, path string, width int) *browserResult {
	t.Helper()
	page, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(page, []byte("</head>"))
	if i < 0 {
		t.Fatalf("%s has no </head>", path)
	}
	// The copy sits beside the original, so that relative links resolve
	// as they do for the original.
	checked := filepath.Join(filepath.Dir(path), "browser-check-"+filepath.Base(path))
	if err := os.WriteFile(checked, append(append(append([]byte(nil), page[:i]...), browserCheck...), page[i:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(checked)
	abs, err := filepath.Abs(checked)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--disable-extensions", "--disable-background-networking", "--user-data-dir="+t.TempDir(),
		fmt.Sprintf("--window-size=%d,900", width), "--virtual-time-budget=10000", "--dump-dom", "file://"+filepath.ToSlash(abs))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, tail(stderr.String(), 2000))
	}
	m := checkOutput.FindSubmatch(stdout.Bytes())
	if m == nil {
		t.Fatalf("%s: the check did not run in %s (a script blocked?): no #afsel-check in the DOM\n%s", bin, path, tail(stderr.String(), 2000))
	}
	var r browserResult
	if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &r); err != nil {
		t.Fatalf("the check's output: %v\n%s", err, m[1])
	}
	return &r
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// TestReportInBrowser renders the reports of a run with every section
// (failures kept, policies compared) and of the figures redrawn from its
// directory in headless Chromium, and fails on a console error, a broken
// image, or a table wider than the page, at the widths of a laptop and
// of a small window. A page made broken on purpose shows that the check
// finds each of these.
func TestReportInBrowser(t *testing.T) {
	bin := chromium(t)
	t.Run("control", func(t *testing.T) {
		dir := t.TempDir()
		bad := filepath.Join(dir, "bad.html")
		if err := os.WriteFile(bad, []byte(`<!DOCTYPE html><html><head><title>bad</title></head><body>`+
			`<img src="missing.png" alt="missing"><script>console.error("on purpose")</script>`+
			`<table id="wide"><tr><td style="white-space: nowrap">`+strings.Repeat("wide ", 400)+`</td></tr></table></body></html>`), 0o644); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(loadInBrowser(t, bin, bad, 1280).problems(), "\n")
		for _, want := range []string{`console.error: on purpose`, `broken image "missing.png"`, `table "wide" is wider than the page`, "failed to load <img>"} {
			if !strings.Contains(got, want) {
				t.Errorf("the check missed %q; it found:\n%s", want, got)
			}
		}
	})

	dir := filepath.Join(t.TempDir(), "out")
	specs, err := policy.ParseList("v6,best,he,exp3")
	if err != nil {
		t.Fatal(err)
	}
	all := pipeline.Stages{Tables: true, Replay: true, Policies: true, Failures: true, Figures: true}
	if err := write(t, synthInput(t, 200, false), all, dir, "reproduce", false, func(c *pipeline.Config) { c.Compare.Specs = specs }); err != nil {
		t.Fatal(err)
	}
	redrawn := filepath.Join(dir, "redrawn")
	if _, err := pipeline.Redraw(context.Background(), pipeline.RedrawInput{Dir: dir}, pipeline.FiguresConfig{Points: 200},
		pipeline.Output{Dir: redrawn, Command: "figures"}, nil); err != nil {
		t.Fatal(err)
	}
	// The sections of a PELT sweep into the directory and of a comparison
	// (of the run with itself).
	ctx := context.Background()
	d := changepoint.DefaultConfig()
	sw, err := pipeline.RunPeltSweep(ctx, synthInput(t, 200, true), quick(), pipeline.PeltGrid([]int{d.MinSize}, []int{1, d.Jump}, []float64{1, 2, 5, 10, 20, 50}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sw.Write(ctx, pipeline.Output{Dir: dir, Command: "sweep-pelt"}, nil); err != nil {
		t.Fatal(err)
	}
	cmp := filepath.Join(t.TempDir(), "cmp")
	if _, _, err := transition.Compare(ctx, transition.Config{A: dir, B: dir, Out: cmp}); err != nil {
		t.Fatal(err)
	}
	week, err := transition.ReportSection(cmp, dir)
	if err != nil {
		t.Fatal(err)
	}
	sections := filepath.Join(dir, "sections")
	if _, err := pipeline.Redraw(ctx, pipeline.RedrawInput{Dir: dir, Week: week}, pipeline.FiguresConfig{Points: 200},
		pipeline.Output{Dir: sections, Command: "figures"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, path string }{
		{"reproduce", filepath.Join(dir, pipeline.FiguresDir, "report.html")},
		{"figures", filepath.Join(redrawn, "report.html")},
		{"sections", filepath.Join(sections, "report.html")},
	} {
		for _, width := range []int{1280, 1024} {
			t.Run(fmt.Sprintf("%s/%dpx", c.name, width), func(t *testing.T) {
				r := loadInBrowser(t, bin, c.path, width)
				if len(r.Tables) == 0 {
					t.Fatal("no tables found: the check saw another page")
				}
				for _, p := range r.problems() {
					t.Error(p)
				}
			})
		}
	}
}

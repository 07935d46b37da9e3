// Package spec holds Twilio's OpenAPI description of the 2010 REST API,
// vendored from github.com/twilio/twilio-oai (MIT, see LICENSE-twilio-oai),
// and loads it for the emulator's validator.
//
// Two files are embedded, gzip-compressed:
//   - twilio_api_v2010.json: spec/json/twilio_api_v2010.json at commit
//     d50069b44ea8cd23141385bdb6db48f16ff75bb5 (2026-04-14), sha256
//     99cae87a6bb1725f71363364cbd30282a13140374b2d5f9bdd5bdfa5d4c8a6d7
//     uncompressed;
//   - twilio_api_v2010_2024-02-09_with_feedback.json: the same file at
//     commit e514460a30875157c7d2f607edc97d92c416bcc1 (2024-02-09), the
//     last one describing Call Feedback and FeedbackSummary, which Twilio
//     removed from the spec (twilio-oai v1.55.0). Only those paths, and the
//     schemas they need, are taken from it.
//
// Load returns the merged document with every `servers` entry removed, so
// that a router built from it matches requests on any host (the emulator's
// 127.0.0.1:port), and with the Exceptions applied.
package spec

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed twilio_api_v2010.json.gz twilio_api_v2010_2024-02-09_with_feedback.json.gz LICENSE-twilio-oai
var files embed.FS

const (
	currentFile  = "twilio_api_v2010.json.gz"
	feedbackFile = "twilio_api_v2010_2024-02-09_with_feedback.json.gz"
)

// License is the text of twilio-oai's MIT license, under which the spec is
// redistributed.
func License() string {
	b, _ := files.ReadFile("LICENSE-twilio-oai")
	return string(b)
}

// File returns a vendored spec, uncompressed, by its name in twilio-oai:
// "twilio_api_v2010.json" or "twilio_api_v2010_2024-02-09_with_feedback.json".
func File(name string) ([]byte, error) { return gunzip(name + ".gz") }

var load = sync.OnceValues(func() (*openapi3.T, error) {
	merged, err := mergedJSON()
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(merged)
	if err != nil {
		return nil, fmt.Errorf("spec: loading the Twilio OpenAPI document: %w", err)
	}
	for _, e := range Exceptions {
		if err := e.apply(doc); err != nil {
			return nil, fmt.Errorf("spec: exception %q: %w", e.Name, err)
		}
	}
	return doc, nil
})

// Load returns the merged, patched document. It is parsed once per process
// and shared: callers must not change it.
func Load() (*openapi3.T, error) { return load() }

func gunzip(name string) ([]byte, error) {
	f, err := files.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("spec: %s: %w", name, err)
	}
	return io.ReadAll(zr)
}

// feedbackPaths are the paths taken from the 2024 spec.
var feedbackPaths = []string{
	"/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Feedback.json",
	"/2010-04-01/Accounts/{AccountSid}/Calls/FeedbackSummary.json",
	"/2010-04-01/Accounts/{AccountSid}/Calls/FeedbackSummary/{Sid}.json",
}

// mergedJSON adds the feedback paths and the component schemas the current
// spec lacks to the current spec, and removes every servers entry.
func mergedJSON() ([]byte, error) {
	var cur, old map[string]any
	for _, f := range []struct {
		name string
		into *map[string]any
	}{{currentFile, &cur}, {feedbackFile, &old}} {
		raw, err := gunzip(f.name)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, f.into); err != nil {
			return nil, fmt.Errorf("spec: %s: %w", f.name, err)
		}
	}
	paths, _ := cur["paths"].(map[string]any)
	oldPaths, _ := old["paths"].(map[string]any)
	for _, p := range feedbackPaths {
		item, ok := oldPaths[p]
		if !ok {
			return nil, fmt.Errorf("spec: the 2024 spec has no path %s", p)
		}
		paths[p] = item
	}
	schemas := cur["components"].(map[string]any)["schemas"].(map[string]any)
	for name, s := range old["components"].(map[string]any)["schemas"].(map[string]any) {
		if _, ok := schemas[name]; !ok {
			schemas[name] = s
		}
	}
	delete(cur, "servers")
	for _, item := range paths {
		m, _ := item.(map[string]any)
		delete(m, "servers")
		for _, op := range m {
			if o, ok := op.(map[string]any); ok {
				delete(o, "servers")
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(cur); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Operation finds an operation by its operationId.
func Operation(doc *openapi3.T, id string) (path, method string, op *openapi3.Operation) {
	for p, item := range doc.Paths.Map() {
		for m, o := range item.Operations() {
			if o.OperationID == id {
				return p, m, o
			}
		}
	}
	return "", "", nil
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

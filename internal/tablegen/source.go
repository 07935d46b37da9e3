package tablegen

import "github.com/twiliosql/twiliosql/internal/spec"

// Source generates schema/spec_tables.go from the vendored spec: the one
// function behind `go generate ./schema` and the staleness test.
func Source() ([]byte, error) {
	schemas, forms := map[string][]string{}, map[string][]string{}
	for _, name := range []string{"twilio_api_v2010.json", "twilio_api_v2010_2024-02-09_with_feedback.json"} {
		raw, err := spec.File(name)
		if err != nil {
			return nil, err
		}
		if err := Orders(raw, schemas, forms); err != nil {
			return nil, err
		}
	}
	SetOrder(schemas, forms)
	doc, err := spec.Load()
	if err != nil {
		return nil, err
	}
	return Generate(doc)
}

package tablegen

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Orders reads, from a spec's JSON text, the order of every component
// schema's properties and of every operation's form parameters, adding
// those not yet in the maps.
func Orders(raw []byte, schemas, forms map[string][]string) error {
	var doc struct {
		Paths      map[string]map[string]json.RawMessage
		Components struct {
			Schemas map[string]struct {
				Properties json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("tablegen: reading the spec: %w", err)
	}
	for name, s := range doc.Components.Schemas {
		if _, ok := schemas[name]; ok || len(s.Properties) == 0 {
			continue
		}
		keys, err := objectKeys(s.Properties)
		if err != nil {
			return fmt.Errorf("tablegen: schema %s: %w", name, err)
		}
		schemas[name] = keys
	}
	for _, item := range doc.Paths {
		for _, opRaw := range item {
			var op struct {
				OperationID string `json:"operationId"`
				RequestBody struct {
					Content map[string]struct {
						Schema struct {
							Properties json.RawMessage
						}
					}
				} `json:"requestBody"`
			}
			if json.Unmarshal(opRaw, &op) != nil || op.OperationID == "" {
				continue
			}
			form, ok := op.RequestBody.Content["application/x-www-form-urlencoded"]
			if !ok || len(form.Schema.Properties) == 0 {
				continue
			}
			if _, ok := forms[op.OperationID]; ok {
				continue
			}
			keys, err := objectKeys(form.Schema.Properties)
			if err != nil {
				return fmt.Errorf("tablegen: form of %s: %w", op.OperationID, err)
			}
			forms[op.OperationID] = keys
		}
	}
	return nil
}

// objectKeys lists the keys of a JSON object in their order.
func objectKeys(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

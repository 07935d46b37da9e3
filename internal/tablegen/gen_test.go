package tablegen

import (
	"bytes"
	"os"
	"testing"
)

// The checked-in spec tables are what the generator makes of the vendored
// spec: after a spec or generator change, `go generate ./schema`.
func TestSpecTablesUpToDate(t *testing.T) {
	want, err := Source()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../schema/spec_tables.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("schema/spec_tables.go is stale: run `go generate ./schema` and commit the result")
	}
}

func TestTableName(t *testing.T) {
	for _, tt := range []struct{ base, want string }{
		{"Calls", "Calls"},
		{"Conferences/{ConferenceSid}/Participants", "ConferenceParticipants"},
		{"Usage/Records/LastMonth", "UsageRecordsLastMonth"},
		{"AvailablePhoneNumbers/{CountryCode}/Local", "AvailablePhoneNumberLocal"},
		{"SIP/Domains/{DomainSid}/CredentialListMappings", "SipDomainCredentialListMappings"},
		{"Queues/{QueueSid}/Members", "QueueMembers"},
	} {
		if got := tableName(tt.base, true); got != tt.want {
			t.Errorf("tableName(%q) = %q, want %q", tt.base, got, tt.want)
		}
	}
}

package schema_test

import (
	"fmt"

	"github.com/twiliosql/twiliosql/schema"
)

func ExampleTable_PrimaryKey() {
	fmt.Println(schema.Calls.PrimaryKey())
	// Output: Sid
}

// A nested table names its parent: with no ConferenceSid in a query, the
// conferences are listed first and then each one's participants.
func ExamplePathKey() {
	t, _ := schema.Lookup("ConferenceParticipants")
	for _, k := range t.Keys {
		fmt.Printf("%s fills {%s}; parent %q.%s\n", k.Column, k.Param, k.Parent, k.ParentColumn)
	}
	fmt.Println(schema.KeyParam("ConferenceSid"), schema.IsKeyParam("{ConferenceSid}"))
	// Output:
	// AccountSid fills {AccountSid}; parent "".
	// ConferenceSid fills {ConferenceSid}; parent "Conferences".Sid
	// {ConferenceSid} true
}

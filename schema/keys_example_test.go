package schema_test

import (
	"fmt"

	"github.com/twiliosql/twiliosql/schema"
)

func ExampleTable_PrimaryKey() {
	fmt.Println(schema.Calls.PrimaryKey())
	// Output: Sid
}

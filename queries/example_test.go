package queries_test

import (
	"fmt"

	"github.com/afsel/afsel/queries"
)

func ExampleAnchorsLiteral() {
	fmt.Println(queries.AnchorsLiteral([]queries.Anchor{
		{ID: 6000, AddressV4: "193.0.23.112", AddressV6: "2001:67c:2e8:1770::a"},
		{ID: 7001, AddressV4: "192.0.2.1"}, // no IPv6 address
	}))
	// Output:
	// [STRUCT(6000 AS id, "193.0.23.112" AS address_v4, "2001:67c:2e8:1770::a" AS address_v6),
	//  STRUCT(7001 AS id, "192.0.2.1" AS address_v4, "" AS address_v6)]
}

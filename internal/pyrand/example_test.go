package pyrand_test

import (
	"fmt"

	"github.com/afsel/afsel/internal/pyrand"
)

func ExampleRand() {
	// The same values as Python's r = random.Random("test"); r.random(), ...
	r := pyrand.NewString("test")
	fmt.Println(r.Float64())
	fmt.Println(r.Float64())
	fmt.Println(pyrand.NewInt(12345).Float64())
	// Output:
	// 0.6555960613392863
	// 0.7346312914910028
	// 0.41661987254534116
}

func ExampleRand_Fill() {
	// Fill draws a whole run's stream at once, as successive random() calls.
	r := pyrand.NewString("test")
	u := make([]float64, 3)
	r.Fill(u)
	fmt.Println(u)
	// Output:
	// [0.6555960613392863 0.7346312914910028 0.25037423249421464]
}

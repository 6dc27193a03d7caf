package figures_test

import (
	"fmt"

	"github.com/afsel/afsel/figures"
)

func ExampleNewECDF() {
	e := figures.NewECDF([]float64{30, 10, 20, 20, 40})
	for i := range e.X {
		fmt.Printf("F(%g) = %g\n", e.X[i], e.P[i])
	}
	fmt.Println("F(25) =", e.At(25))
	// Within 1/2 of the exact ECDF: the minimum, the maximum and one step.
	d := e.Downsample(2)
	fmt.Println(d.X, d.P)
	// Output:
	// F(10) = 0.2
	// F(20) = 0.6
	// F(30) = 0.8
	// F(40) = 1
	// F(25) = 0.6
	// [10 30 40] [0.2 0.8 1]
}

package figures

import (
	"context"

	"github.com/afsel/afsel/internal/rankstat"
)

// Figure1PassesConfig is Figure1Passes with the memory bounds bins and
// limit, for the external tests.
func Figure1PassesConfig(ctx context.Context, pass rankstat.Pass, points, bins, limit int) (*Fig1, error) {
	f, _, err := figure1Passes(ctx, pass, points, passConfig{bins: bins, limit: limit})
	return f, err
}

// DefaultPassConfig is the default bins and limit.
var DefaultPassConfig = [2]int{defaultPassConfig.bins, defaultPassConfig.limit}

package bigquery

import (
	"os"

	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Environment variables that point the clients at another BigQuery
// endpoint, without credentials: for tests against internal/bqfake only,
// so afsel's --help does not name them. The storage endpoint is plain
// gRPC, no TLS.
const (
	EnvEndpoint        = "AFSEL_BIGQUERY_ENDPOINT"
	EnvStorageEndpoint = "AFSEL_BIGQUERY_STORAGE_ENDPOINT"
)

// EndpointOverride returns the client options of the endpoint override, if
// set.
func EndpointOverride() (rest, storage []option.ClientOption) {
	if ep := os.Getenv(EnvEndpoint); ep != "" {
		rest = []option.ClientOption{option.WithEndpoint(ep), option.WithoutAuthentication()}
	}
	if ep := os.Getenv(EnvStorageEndpoint); ep != "" {
		storage = []option.ClientOption{option.WithEndpoint(ep), option.WithoutAuthentication(),
			option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials()))}
	}
	return rest, storage
}

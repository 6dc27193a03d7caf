package bigquery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	bq "cloud.google.com/go/bigquery"
	"google.golang.org/api/iterator"
)

// discardLog is the logger of a Config without one.
var discardLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// restFallback decides what to do when the client gave a REST row iterator
// though the Storage Read API was asked for (Config.NoStorageAPI unset).
//
// The client does so in two cases. jobs.query answered with the whole
// result in its first page (jobComplete and no pageToken): the client never
// tries the Storage Read API, and the rows it already has are the result; a
// short window (one probe, one day) is such a result, and it is read over
// REST, said at info level. Otherwise the client tried to create a read
// session and could not (the API disabled or refused to the credentials):
// a large result would be paged slowly over REST, so that is
// ErrNotAccelerated, wrapping the refusal when the gRPC client saw one.
//
// restFallback reads the first row to learn which (the client fetches, or
// takes from the jobs.query answer, the first page); on success it returns
// that row for the REST source to start with, or done when the result is
// empty.
func restFallback(ctx context.Context, cfg *Config, b *budget, it *bq.RowIterator) (first []bq.Value, done bool, err error) {
	if err := b.firstErr(); err != nil {
		return nil, false, fmt.Errorf("%w: %w", ErrNotAccelerated, classify(ctx, "create read session", err))
	}
	err = it.Next(&first)
	switch {
	case errors.Is(err, iterator.Done):
		done = true
	case err != nil:
		return nil, false, classify(ctx, "query", err)
	}
	pi := it.PageInfo()
	inPage := uint64(pi.Remaining())
	if !done {
		inPage++ // the row just read
	}
	if pi.Token != "" || inPage != it.TotalRows {
		return nil, false, fmt.Errorf("%w: the client would page rows over REST (is the BigQuery Storage API enabled in project %s, and may the credentials create read sessions, bigquery.readsessions.create?); ask for the REST path explicitly to use it", ErrNotAccelerated, cfg.Project)
	}
	cfg.Log.Info("bigquery: the whole result came in the query's first page, so its rows are read over REST without the Storage Read API",
		"result_rows", it.TotalRows)
	return first, done, nil
}

package bigquery

import (
	"context"
	"fmt"
	"io"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func transient(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.Internal, codes.Aborted, codes.DeadlineExceeded:
		return true
	}
	return false
}

func (b *budget) fail(method string, err error) {
	if !transient(err) {
		b.mu.Lock()
		if b.lastErr == nil {
			b.lastErr = fmt.Errorf("%s: %w", method, err)
		}
		b.mu.Unlock()
		return
	}
	n := b.progress.Retries.Add(1)
	if b.max >= 0 && n > b.max {
		b.once.Do(func() {
			b.cancel(fmt.Errorf("%w: %d transient failures of the Storage Read API, more than the budget of %d; last: %s: %v", ErrRetryBudget, n, b.max, method, err))
		})
	}
}

// reset forgets the errors seen, for a new read.
func (b *budget) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lastErr = nil
}

// firstErr returns the first non-transient error a gRPC call met: the
// client swallows a failed CreateReadSession and pages over REST instead.
func (b *budget) firstErr() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lastErr
}

func (b *budget) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	err := invoker(ctx, method, req, reply, cc, opts...)
	if err != nil {
		b.fail(method, err)
	}
	return err
}

func (b *budget) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	cs, err := streamer(ctx, desc, cc, method, opts...)
	if err != nil {
		b.fail(method, err)
		return nil, err
	}
	return &budgetStream{ClientStream: cs, b: b, method: method}, nil
}

type budgetStream struct {
	grpc.ClientStream
	b      *budget
	method string
}

func (s *budgetStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	if err != nil && err != io.EOF {
		s.b.fail(s.method, err)
	}
	return err
}

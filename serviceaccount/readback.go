package serviceaccount

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudhub/consent/directory"
)

// readBack reads the account by UPN after a create that failed. While
// reads do not show it and the create may have been applied (uncertain),
// or a read fails with a transient fault, it keeps reading with backoff
// for up to ReadBackTimeout (a read served by a replica that has not
// caught up with the write answers not found).
// rctx outlives ctx; ctx is only for logging and events.
func (p *Provisioner) readBack(ctx, rctx context.Context, upn string, uncertain bool) (directory.User, time.Duration, error) {
	b := p.newBackoff()
	for {
		got, err := p.dir.User(rctx, upn)
		again := errors.Is(err, directory.ErrNotFound) && uncertain || directory.IsTemporary(err)
		if !again || !b.fits(p.opts.ReadBackTimeout) {
			return got, b.elapsed(), err
		}
		p.emit(ctx, b.event(EventReadBack, upn, fmt.Sprintf("the create's outcome is unknown and the account is not readable yet (%v); reading it back", err)))
		if b.sleep(rctx) != nil {
			return got, b.elapsed(), err
		}
	}
}

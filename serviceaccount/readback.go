package serviceaccount

import (
	"context"
	"errors"
	"time"

	"github.com/cloudhub/consent/directory"
)

// readBack reads the account by UPN after a create that failed. While
// reads do not show it and the create may have been applied, it keeps
// reading with backoff for up to ReadBackTimeout (a read served by a
// replica that has not caught up with the write answers not found).
// rctx outlives ctx; ctx is only for logging and events.
func (p *Provisioner) readBack(ctx, rctx context.Context, upn string, createErr error) (directory.User, time.Duration, error) {
	b := p.newBackoff()
	for {
		got, err := p.dir.User(rctx, upn)
		if !errors.Is(err, directory.ErrNotFound) || !mayHaveApplied(createErr) || !b.fits(p.opts.ReadBackTimeout) {
			return got, b.elapsed(), err
		}
		p.emit(ctx, b.event(EventReadBack, upn, "the create's outcome is unknown and the account is not visible yet; reading it back"))
		if b.sleep(rctx) != nil {
			return got, b.elapsed(), err
		}
	}
}

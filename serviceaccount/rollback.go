package serviceaccount

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cloudhub/consent/directory"
)

// rollback deletes an account this call created, even if ctx is done,
// and records the outcome in perr.
func (p *Provisioner) rollback(ctx context.Context, spec Spec, u directory.User, created []directory.RoleAssignment, perr *Error) {
	if spec.KeepOnFailure {
		perr.Outcome = OutcomeKept
		perr.note = fmt.Sprintf("Spec.KeepOnFailure is set; the account %s (%s) exists, with the temporary password in the returned Result", u.UserPrincipalName, u.ID)
		return
	}
	p.emit(ctx, Event{Kind: EventRollback, UserPrincipalName: u.UserPrincipalName, Message: "deleting the account this call created"})
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.opts.RollbackTimeout)
	defer cancel()
	ids := make([]string, len(created))
	for i, a := range created {
		ids[i] = a.ID
	}
	if err := p.rollbackGrants(ctx, rctx, spec, u); err != nil {
		perr.Outcome, perr.RollbackErr = OutcomeRollbackFailed, err
		return
	}
	if err := p.deleteCreated(ctx, rctx, u, ids); err != nil {
		perr.Outcome, perr.RollbackErr = OutcomeRollbackFailed, err
		return
	}
	perr.Outcome = OutcomeRolledBack
}

// deleteCreated deletes the account this call created, with the role
// assignments it made. A delete answered "not found" is not taken at its
// word: this call created the account, so the answer may come from a
// replica that has not seen it yet. The account counts as deleted once a
// read by object ID does not find it either, after ReadBackTimeout of
// retrying; while a read still finds it, the delete is sent again. A delete
// whose answer was lost (unavailable, throttled) is checked the same way.
func (p *Provisioner) deleteCreated(ctx, rctx context.Context, u directory.User, assignmentIDs []string) error {
	id := u.ID
	// Every role the new account holds goes before it, not only those
	// this call knows it made: an assignment whose answer was lost (then
	// "exists") has no ID here, and deleting a user who holds an admin
	// role takes more than User.ReadWrite.All. Reads may lag, so the
	// assignments this call made are kept whatever the list says.
	if held, err := p.dir.RoleAssignments(rctx, id); err == nil {
		for _, a := range held {
			if !slices.Contains(assignmentIDs, a.ID) {
				assignmentIDs = append(assignmentIDs, a.ID)
			}
		}
	}
	err := directory.DeleteUserAndRoleAssignments(rctx, p.dir, id, assignmentIDs)
	b := p.newBackoff()
	for err != nil {
		notFound := errors.Is(err, directory.ErrNotFound)
		if !notFound && !errors.Is(err, directory.ErrUnavailable) && !errors.Is(err, directory.ErrThrottled) {
			return err
		}
		if !b.fits(p.opts.RollbackTimeout) {
			return fmt.Errorf("%w (still failing after %v of retrying; Options.RollbackTimeout)", err, b.elapsed().Round(time.Millisecond))
		}
		_, rerr := p.dir.User(rctx, id)
		if errors.Is(rerr, directory.ErrNotFound) && (!notFound || !b.fits(p.opts.ReadBackTimeout)) {
			// Gone: a delete whose answer was lost was applied, or the
			// delete and the reads have agreed for ReadBackTimeout.
			return nil
		}
		p.emit(ctx, b.event(EventRollback, u.UserPrincipalName, fmt.Sprintf("the delete answered %v; checking the account is gone", err)))
		if serr := b.sleepFor(rctx, max(b.next, directory.RetryDelay(err))); serr != nil {
			return fmt.Errorf("%w (gave up confirming the delete: %v)", err, serr)
		}
		if rerr == nil {
			// Still there: delete it again.
			err = p.dir.DeleteUser(rctx, id)
		}
	}
	return nil
}

package serviceaccount

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// assign creates the missing role assignments in as few calls as the
// directory allows. It returns the assignments it created.
//
//   - An assignment answered not found (a principal the directory does not
//     know yet: replication lag) is sent again with backoff until
//     ReplicationTimeout.
//   - One that failed with a transient fault (throttled, unavailable, its
//     answer lost with the connection) is sent again by the retrier.
//   - One answered as a conflict ([directory.ErrExists]) or as invalid
//     ([directory.ErrInvalid]: Microsoft answers a duplicate assignment
//     with a 400 Request_BadRequest that may carry nothing else) is decided
//     from state, not from the answer: the account's assignments are read,
//     and an assignment held at the tenant scope counts as done (made by
//     this call when an earlier attempt's answer was lost). An invalid one
//     that is not held fails; a conflicting one that is not held is read
//     again for up to ReadBackTimeout (reads may lag), then fails.
func (p *Provisioner) assign(ctx context.Context, r *retrier, upn, userID string, missing []roles.Role, res *Result) ([]directory.RoleAssignment, error) {
	if len(missing) == 0 {
		return nil, nil
	}
	byID := map[string]roles.Role{}
	pending := make([]directory.RoleAssignment, len(missing))
	for i, role := range missing {
		byID[role.ID] = role
		pending[i] = directory.RoleAssignment{PrincipalID: userID, RoleDefinitionID: role.ID, DirectoryScopeID: directory.TenantScope}
	}
	step := func(a directory.RoleAssignment) string {
		return fmt.Sprintf("assign role %q", byID[a.RoleDefinitionID].Name)
	}
	// lost: roles an earlier attempt of this call may have assigned
	// although it failed.
	lost := map[string]bool{}
	var created []directory.RoleAssignment
	b := p.newBackoff()
	for {
		p.emit(ctx, Event{Kind: EventAssignRoles, UserPrincipalName: upn, Message: fmt.Sprintf("assigning %d role(s)", len(pending)), Attempt: b.attempt})
		var retry []directory.RoleAssignment
		var ambiguous []directory.RoleAssignmentResult
		var notFound, transient error
		for _, rr := range directory.CreateRoleAssignments(ctx, p.dir, pending) {
			switch err := rr.Err; {
			case err == nil:
				created = append(created, rr.Assignment)
				res.Changes = append(res.Changes, assignChange(byID[rr.Assignment.RoleDefinitionID]))
			case errors.Is(err, directory.ErrExists) || errors.Is(err, directory.ErrInvalid):
				ambiguous = append(ambiguous, rr)
			case errors.Is(err, directory.ErrNotFound) && ctx.Err() == nil:
				retry, notFound = append(retry, rr.Assignment), err
			case directory.IsTemporary(err) && ctx.Err() == nil:
				retry, transient = append(retry, rr.Assignment), err
				lost[rr.Assignment.RoleDefinitionID] = true
			default:
				return created, &stepError{step: step(rr.Assignment), err: err}
			}
		}
		if len(ambiguous) > 0 {
			held, err := p.confirmHeld(ctx, r, upn, userID, ambiguous)
			if err != nil {
				return created, &stepError{step: step(ambiguous[0].Assignment) + ": read the account's role assignments", err: err}
			}
			for _, rr := range ambiguous {
				a, ok := held[rr.Assignment.RoleDefinitionID]
				switch {
				case ok && lost[rr.Assignment.RoleDefinitionID]:
					// An earlier attempt of this call made it.
					created = append(created, a)
					res.Changes = append(res.Changes, assignChange(byID[a.RoleDefinitionID]))
				case ok:
					// Assigned already (concurrently, or before this call's read).
				case errors.Is(rr.Err, directory.ErrExists):
					return created, &stepError{step: step(rr.Assignment), err: fmt.Errorf("answered as a conflict, but the account's role assignments did not show it within %v: %w", p.opts.ReadBackTimeout, rr.Err)}
				default:
					return created, &stepError{step: step(rr.Assignment), err: rr.Err}
				}
			}
		}
		if len(retry) == 0 {
			return created, nil
		}
		pending = retry
		if transient != nil {
			// Retry-After and the retry deadline pace a round with a
			// transient fault; its not-found items are sent along.
			if err := r.again(ctx, upn, step(retry[0]), transient); err != nil {
				return created, &stepError{step: step(retry[0]), err: err}
			}
			continue
		}
		if !b.fits(p.opts.ReplicationTimeout) {
			return created, &stepError{
				step: step(retry[0]),
				err:  fmt.Errorf("the new account was still unknown to role assignment after %v (replication lag; Options.ReplicationTimeout): %w", b.elapsed().Round(time.Millisecond), notFound),
			}
		}
		p.emit(ctx, b.event(EventReplicationWait, upn, "waiting for the new account to replicate"))
		if err := b.sleep(ctx); err != nil {
			return created, &stepError{step: "wait for replication", err: err}
		}
	}
}

// confirmHeld reads the tenant-scope role assignments of principal userID,
// keyed by role definition ID, to decide the ambiguous answers: while a
// conflicting one is not shown, it reads again with backoff for up to
// ReadBackTimeout. Transient read failures are retried by r.
func (p *Provisioner) confirmHeld(ctx context.Context, r *retrier, upn, userID string, ambiguous []directory.RoleAssignmentResult) (map[string]directory.RoleAssignment, error) {
	b := p.newBackoff()
	for {
		list, err := p.dir.RoleAssignments(ctx, userID)
		if err != nil {
			if err := r.again(ctx, upn, "read role assignments", err); err != nil {
				return nil, err
			}
			continue
		}
		held := map[string]directory.RoleAssignment{}
		for _, a := range list {
			if a.DirectoryScopeID == directory.TenantScope {
				held[strings.ToLower(a.RoleDefinitionID)] = a
			}
		}
		missing := false
		for _, rr := range ambiguous {
			if _, ok := held[rr.Assignment.RoleDefinitionID]; !ok && errors.Is(rr.Err, directory.ErrExists) {
				missing = true
			}
		}
		if !missing || !b.fits(p.opts.ReadBackTimeout) {
			return held, nil
		}
		p.emit(ctx, b.event(EventReadBack, upn, "a role assignment was answered as a conflict but is not readable yet; reading the account's role assignments again"))
		if err := b.sleep(ctx); err != nil {
			return nil, err
		}
	}
}

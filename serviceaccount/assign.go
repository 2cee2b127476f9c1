package serviceaccount

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// assign creates the missing role assignments in as few calls as the
// directory allows, waiting out replication lag: a principal the directory
// does not know yet (ErrNotFound) is retried with backoff until
// ReplicationTimeout. An assignment that already exists counts as done. It
// returns the assignments it created.
func (p *Provisioner) assign(ctx context.Context, upn, userID string, missing []roles.Role, res *Result) ([]directory.RoleAssignment, error) {
	if len(missing) == 0 {
		return nil, nil
	}
	byID := map[string]roles.Role{}
	pending := make([]directory.RoleAssignment, len(missing))
	for i, r := range missing {
		byID[r.ID] = r
		pending[i] = directory.RoleAssignment{PrincipalID: userID, RoleDefinitionID: r.ID, DirectoryScopeID: directory.TenantScope}
	}
	var created []directory.RoleAssignment
	b := p.newBackoff()
	for {
		p.emit(ctx, Event{Kind: EventAssignRoles, UserPrincipalName: upn, Message: fmt.Sprintf("assigning %d role(s)", len(pending)), Attempt: b.attempt})
		results := directory.CreateRoleAssignments(ctx, p.dir, pending)
		var retry []directory.RoleAssignment
		var lastNotFound error
		for _, r := range results {
			role := byID[r.Assignment.RoleDefinitionID]
			switch {
			case r.Err == nil:
				created = append(created, r.Assignment)
				res.Changes = append(res.Changes, assignChange(role))
			case errors.Is(r.Err, directory.ErrExists):
				// Assigned already (by an earlier attempt whose answer was lost, or concurrently).
			case errors.Is(r.Err, directory.ErrNotFound) && ctx.Err() == nil:
				retry = append(retry, r.Assignment)
				lastNotFound = r.Err
			default:
				return created, &stepError{step: fmt.Sprintf("assign role %q", role.Name), err: r.Err}
			}
		}
		if len(retry) == 0 {
			return created, nil
		}
		pending = retry
		if !b.fits(p.opts.ReplicationTimeout) {
			return created, &stepError{
				step: fmt.Sprintf("assign role %q", byID[retry[0].RoleDefinitionID].Name),
				err:  fmt.Errorf("the new account was still unknown to role assignment after %v (replication lag; Options.ReplicationTimeout): %w", b.elapsed().Round(time.Millisecond), lastNotFound),
			}
		}
		p.emit(ctx, b.event(EventReplicationWait, upn, "waiting for the new account to replicate"))
		if err := b.sleep(ctx); err != nil {
			return created, &stepError{step: "wait for replication", err: err}
		}
	}
}

package serviceaccount

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/cloudhub/consent/directory"
)

// Deprovision removes the account's role assignments and deletes it. With
// acct.PartnerApp set it first deletes the account's own delegated
// permission grants of that application (consentType Principal for this
// account); a tenant-wide grant is never touched. It is
// idempotent: an account that does not exist is not an error. It refuses
// (with [ErrNotManaged]) an account this SDK did not create.
//
// "Does not exist" is what a read says, and a directory's reads may lag
// behind its writes: seconds after Provision created the account, a read
// may not find it yet, and Deprovision then has nothing to delete. It does
// not delete what it cannot read, since it must check the account's
// marker first. To undo a Provision at once, rely on its rollback (a
// failed Provision deletes what it created); otherwise Deprovision again
// later, or Verify that account.exists fails.
//
// A read or delete that fails with a transient fault (throttled,
// unavailable, an answer lost with the connection) is retried like
// Provision's steps, within [Options.RetryTimeout]; after a failed delete
// the account is read by object ID first, and a delete whose answer was
// lost but which was applied counts as done.
func (p *Provisioner) Deprovision(ctx context.Context, acct Account) error {
	errs := acct.validateKey()
	if acct.PartnerApp != nil {
		if err := acct.PartnerApp.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	name := acct.String()
	fail := func(step string, err error) error {
		return &Error{Op: "deprovision", Account: name, Step: step, Err: err}
	}
	p.emit(ctx, Event{Kind: EventRead, UserPrincipalName: name, Message: "reading the account and its roles"})
	snap, err := p.readSnapshot(ctx, p.newRetrier(), directory.SnapshotRequest{User: acct.Key(), RoleAssignments: true, Consent: consentRequest(acct.PartnerApp)}, name)
	if err != nil {
		return fail("read account", err)
	}
	if errors.Is(snap.UserErr, directory.ErrNotFound) {
		return nil
	}
	if snap.UserErr != nil {
		return fail("read account", snap.UserErr)
	}
	u := snap.User
	if acct.UserPrincipalName != "" && !strings.EqualFold(u.UserPrincipalName, acct.UserPrincipalName) {
		return fail("check identity", fmt.Errorf("object %s has userPrincipalName %q, not %q: %w", u.ID, u.UserPrincipalName, acct.UserPrincipalName, directory.ErrInvalid))
	}
	if !IsManaged(u) {
		return fail("check ownership", fmt.Errorf("%w (employeeType %q); delete it by hand if that is really meant: %w", ErrNotManaged, u.EmployeeType, directory.ErrPermission))
	}
	if snap.RoleAssignmentsErr != nil {
		return fail("read role assignments", snap.RoleAssignmentsErr)
	}
	if err := p.deprovisionGrants(ctx, p.newRetrier(), acct.PartnerApp, u.ID, snap.Consent, name); err != nil {
		return fail("delete the account's grant of the partner application", err)
	}
	ids := make([]string, len(snap.RoleAssignments))
	for i, a := range snap.RoleAssignments {
		ids[i] = a.ID
	}
	p.emit(ctx, Event{Kind: EventDelete, UserPrincipalName: name, Message: fmt.Sprintf("removing %d role assignment(s) and the account", len(ids))})
	r := p.newRetrier()
	for {
		err = directory.DeleteUserAndRoleAssignments(ctx, p.dir, u.ID, ids)
		if err == nil || errors.Is(err, directory.ErrNotFound) {
			return nil
		}
		if directory.IsTemporary(err) && ctx.Err() == nil {
			// The answer may have been lost after the delete was
			// applied: the account was readable a moment ago, so a read
			// that no longer finds it confirms the delete.
			if _, rerr := p.dir.User(ctx, u.ID); errors.Is(rerr, directory.ErrNotFound) {
				return nil
			}
		}
		if err := r.again(ctx, name, "delete account", err); err != nil {
			return fail("delete account", err)
		}
	}
}

package serviceaccount_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/serviceaccount"
	"github.com/google/go-cmp/cmp"
)

// A create whose answer was lost, on a directory whose reads lag behind its
// writes: the read-back does not see the account at once. Provision must
// keep reading until it does, recognise its own create and finish, not
// return "not created" while the account sits in the directory.
func TestProvisionLostCreateAnswerWithReadLag(t *testing.T) {
	for _, lag := range []time.Duration{2 * time.Second, 20 * time.Second} {
		t.Run(lag.String(), func(t *testing.T) {
			clk := newFakeClock()
			fake := directorytest.New(&directorytest.Options{Now: clk.Now, ReadLag: lag})
			var events []serviceaccount.Event
			p := newProvisioner(lostAnswerDir{Fake: fake, apply: true}, clk, &serviceaccount.Options{
				OnEvent: func(e serviceaccount.Event) { events = append(events, e) },
			})
			res, err := p.Provision(context.Background(), validSpec())
			if err != nil {
				t.Fatalf("Provision: %v", err)
			}
			if !res.Created || res.Password.IsZero() || res.Account.ID == "" {
				t.Errorf("Result: Created=%v password set=%v ID=%q; want created, with its password and ID", res.Created, !res.Password.IsZero(), res.Account.ID)
			}
			if diff := cmp.Diff(atTenant(teamsAdminID, exchangeAdminID), heldRoles(t, fake, res.Account.ID)); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			if n := len(fake.Users()); n != 1 {
				t.Errorf("%d users, want 1", n)
			}
			readBacks := 0
			for _, e := range events {
				if e.Kind == serviceaccount.EventReadBack {
					readBacks++
				}
			}
			if readBacks == 0 {
				t.Error("no read-back event while the account was invisible")
			}
		})
	}
}

// Beyond ReadBackTimeout the account still exists: the error must say it
// may be left, and the Result must carry the password it holds.
func TestProvisionLostCreateAnswerReadLagBeyondTimeout(t *testing.T) {
	clk := newFakeClock()
	fake := directorytest.New(&directorytest.Options{Now: clk.Now, ReadLag: time.Hour})
	res, err := newProvisioner(lostAnswerDir{Fake: fake, apply: true}, clk, nil).Provision(context.Background(), validSpec())
	var se *serviceaccount.Error
	if !errors.As(err, &se) || se.Outcome != serviceaccount.OutcomeMayExist || !strings.Contains(err.Error(), "left in place") {
		t.Fatalf("Provision = %v; want an *Error saying the account may be left in place", err)
	}
	if res.Password.IsZero() {
		t.Error("the Result does not carry the password the account may hold")
	}
	if len(fake.Users()) != 1 {
		t.Fatalf("the account should exist (the create was applied); users: %v", fake.Users())
	}
	if got := fake.Users()[0].EmployeeType; !strings.Contains(err.Error(), got) {
		t.Errorf("the error does not name the account's marker %q: %v", got, err)
	}
}

// deleteNotFoundOnce answers the first delete of the account "not found"
// without deleting it, the way a replica that has not seen the new user
// would.
type deleteNotFoundOnce struct {
	*directorytest.Fake
	done bool
}

func (d *deleteNotFoundOnce) DeleteUserAndRoleAssignments(ctx context.Context, id string, assignmentIDs []string) error {
	if !d.done {
		d.done = true
		return fmt.Errorf("stale replica: user %q: %w", id, directory.ErrNotFound)
	}
	return d.Fake.DeleteUserAndRoleAssignments(ctx, id, assignmentIDs)
}

func TestRollbackDoesNotTrustADeleteNotFound(t *testing.T) {
	fake, clk := newFake(t)
	fake.SetFault(failOps(directory.ErrPermission, assignOps...))
	dir := &deleteNotFoundOnce{Fake: fake}
	_, err := newProvisioner(dir, clk, nil).Provision(context.Background(), validSpec())
	var se *serviceaccount.Error
	if !errors.As(err, &se) {
		t.Fatalf("Provision = %v, want *serviceaccount.Error", err)
	}
	fake.SetFault(nil)
	if n := len(fake.Users()); n != 0 {
		t.Errorf("%d users left after the rollback; want 0 (error: %v)", n, err)
	}
	if se.Outcome != serviceaccount.OutcomeRolledBack {
		t.Errorf("Outcome=%v; want rolled back", se.Outcome)
	}
}

// A delete that keeps answering "not found" while reads find the account is
// not a rollback: the error says the account is left.
type deleteAlwaysNotFound struct{ *directorytest.Fake }

func (d deleteAlwaysNotFound) DeleteUserAndRoleAssignments(ctx context.Context, id string, _ []string) error {
	return fmt.Errorf("stale replica: user %q: %w", id, directory.ErrNotFound)
}

func (d deleteAlwaysNotFound) DeleteUser(ctx context.Context, id string) error {
	return fmt.Errorf("stale replica: user %q: %w", id, directory.ErrNotFound)
}

func TestRollbackDeleteNotFoundWhileTheAccountExists(t *testing.T) {
	fake, clk := newFake(t)
	fake.SetFault(failOps(directory.ErrPermission, assignOps...))
	_, err := newProvisioner(deleteAlwaysNotFound{fake}, clk, nil).Provision(context.Background(), validSpec())
	var se *serviceaccount.Error
	if !errors.As(err, &se) {
		t.Fatalf("Provision = %v, want *serviceaccount.Error", err)
	}
	if se.Outcome != serviceaccount.OutcomeRollbackFailed || !se.Outcome.AccountLeft() || se.RollbackErr == nil {
		t.Errorf("Outcome=%v RollbackErr=%v; want rollback failed, left, with the delete's error", se.Outcome, se.RollbackErr)
	}
	fake.SetFault(nil)
	if n := len(fake.Users()); n != 1 {
		t.Errorf("%d users; the test directory never deletes", n)
	}
}

func TestKeepOnFailureReturnsThePassword(t *testing.T) {
	fake, clk := newFake(t)
	fake.SetFault(failOps(directory.ErrPermission, assignOps...))
	spec := validSpec()
	spec.KeepOnFailure = true
	res, err := newProvisioner(fake, clk, nil).Provision(context.Background(), spec)
	var se *serviceaccount.Error
	if !errors.As(err, &se) || se.Outcome != serviceaccount.OutcomeKept {
		t.Fatalf("Provision = %v; want an *Error with OutcomeKept", err)
	}
	if res.Password.IsZero() || !res.Created || res.Account.ID == "" {
		t.Errorf("Result: password set=%v Created=%v ID=%q; want the kept account's password and ID", !res.Password.IsZero(), res.Created, res.Account.ID)
	}
	if strings.Contains(err.Error(), res.Password.Reveal()) {
		t.Error("the error contains the password")
	}
	fake.SetFault(nil)
	users := fake.Users()
	if len(users) != 1 || users[0].ID != res.Account.ID {
		t.Errorf("users = %v, want the kept account %s", users, res.Account.ID)
	}
}

// lostAssignmentAnswer applies every role assignment but answers the batch
// as if the connection dropped, and records what the rollback deletes.
type lostAssignmentAnswer struct {
	*directorytest.Fake
	deleted []string
}

func (d *lostAssignmentAnswer) CreateRoleAssignments(ctx context.Context, as []directory.RoleAssignment) []directory.RoleAssignmentResult {
	out := d.Fake.CreateRoleAssignments(ctx, as)
	for i := range out {
		out[i].Err = fmt.Errorf("lostanswer: assign %q: connection reset: %w", out[i].Assignment.RoleDefinitionID, directory.ErrUnavailable)
	}
	return out
}

func (d *lostAssignmentAnswer) DeleteUserAndRoleAssignments(ctx context.Context, id string, assignmentIDs []string) error {
	d.deleted = append(d.deleted, assignmentIDs...)
	return d.Fake.DeleteUserAndRoleAssignments(ctx, id, assignmentIDs)
}

// The rollback removes every role the new account holds before deleting
// it, also those whose assignment answer was lost (deleting a user with an
// admin role needs more permission than deleting one without).
func TestRollbackRemovesRolesWhoseAnswerWasLost(t *testing.T) {
	fake, clk := newFake(t)
	dir := &lostAssignmentAnswer{Fake: fake}
	_, err := newProvisioner(dir, clk, nil).Provision(context.Background(), validSpec())
	var se *serviceaccount.Error
	if !errors.As(err, &se) || se.Outcome != serviceaccount.OutcomeRolledBack {
		t.Fatalf("Provision = %v; want a rolled-back *Error", err)
	}
	if len(dir.deleted) != 2 {
		t.Errorf("the rollback deleted role assignments %q; want the 2 the account held", dir.deleted)
	}
	if len(fake.Users()) != 0 || len(fake.AllRoleAssignments()) != 0 {
		t.Errorf("left behind: users %v, assignments %v", fake.Users(), fake.AllRoleAssignments())
	}
}

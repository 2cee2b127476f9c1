package serviceaccount

import (
	"fmt"
)

// Error is returned by Provision, Plan and Deprovision when a step fails.
// It unwraps to the cause, so errors.Is classifies it with the directory
// sentinels (or the context's error), and says whether the account was left
// in the directory.
type Error struct {
	// Op is "provision", "plan" or "deprovision".
	Op string
	// UserPrincipalName (or the object ID) of the account.
	Account string
	// Step is what was being done, such as `assign role "Teams Administrator"`.
	Step string
	Err  error
	// Created reports that this call created the account before failing.
	Created bool
	// RolledBack reports that the account created by this call was
	// deleted again; RollbackErr is why that failed, if it did.
	RolledBack  bool
	RollbackErr error
	// AccountLeft reports that the account exists after the call (or may:
	// see the message), and why. Provision then also returns the Result as
	// far as it got, with the temporary password when this call set one,
	// so that the caller can hand it to the account's owner or remove the
	// account ([Provisioner.Deprovision]).
	AccountLeft bool
	LeftReason  string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("serviceaccount: %s %q: %s: %v", e.Op, e.Account, e.Step, e.Err)
	switch {
	case e.RolledBack:
		s += "; the account created by this call was deleted (rolled back)"
	case e.RollbackErr != nil:
		s += fmt.Sprintf("; rollback failed, the account is left in place: %v", e.RollbackErr)
	case e.AccountLeft && e.LeftReason != "":
		s += "; the account is left in place: " + e.LeftReason
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// stepError names the step an assignment failure happened in.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

package serviceaccount

import (
	"fmt"

	"github.com/cloudhub/consent/directory"
)

// Outcome is what a failed call left in the directory.
type Outcome int

// Outcomes of a failed call. The zero value is [OutcomeNotCreated].
const (
	// OutcomeNotCreated: this call created no account. It failed before
	// creating one, or its create was certainly not applied, or the account
	// existed before the call (Plan, Deprovision, or a Provision that
	// converges an existing account and failed before assigning a role).
	OutcomeNotCreated Outcome = iota
	// OutcomePartlyConverged: the account existed before this Provision,
	// which assigned some of its missing roles before failing (they are in
	// the Result's Changes).
	OutcomePartlyConverged
	// OutcomeRolledBack: this call created the account, then deleted it
	// again (with the roles it assigned) because a later step failed.
	OutcomeRolledBack
	// OutcomeRollbackFailed: this call created the account and could not
	// delete it again: the account is left in place; [Error.RollbackErr]
	// says why.
	OutcomeRollbackFailed
	// OutcomeKept: this call created the account and left it in place on
	// purpose ([Spec.KeepOnFailure]).
	OutcomeKept
	// OutcomeMayExist: the create's outcome is unknown (its answer was
	// lost and the account never became readable, or reading it back
	// failed). If the account appears, it carries this call's marker and
	// the temporary password in the returned Result.
	OutcomeMayExist
)

var outcomeNames = [...]string{"not created", "partly converged", "rolled back", "rollback failed", "kept", "may exist"}

// String returns a short name of the outcome, such as "rolled back".
func (o Outcome) String() string {
	if o < 0 || int(o) >= len(outcomeNames) {
		return fmt.Sprintf("Outcome(%d)", int(o))
	}
	return outcomeNames[o]
}

// AccountLeft reports whether the account is (or may be) in the directory
// after the failed call because of it. Provision then also returns the
// Result as far as it got, with the temporary password when the call set
// one, so that the caller can hand it to the account's owner or remove the
// account ([Provisioner.Deprovision]).
func (o Outcome) AccountLeft() bool {
	switch o {
	case OutcomePartlyConverged, OutcomeRollbackFailed, OutcomeKept, OutcomeMayExist:
		return true
	}
	return false
}

// Error is returned by Provision, Plan and Deprovision when a step fails.
// It unwraps to the fault that ended the call, so errors.Is classifies it
// with the directory sentinels (or the context's error);
// [directory.IsTemporary] tells a transient fault that outlasted the
// retries ([Options.RetryTimeout]) from a permanent one. Outcome says what
// the call left in the directory.
type Error struct {
	// Op is "provision", "plan" or "deprovision".
	Op string
	// UserPrincipalName (or the object ID) of the account.
	Account string
	// Step is what was being done, such as `assign role "Teams Administrator"`.
	Step string
	// Err is the fault that ended the call.
	Err error
	// Outcome is what the call left in the directory.
	Outcome Outcome
	// RollbackErr is why the rollback failed (Outcome is
	// [OutcomeRollbackFailed]), else nil.
	RollbackErr error

	// note adds the outcome's particulars to the message.
	note string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("serviceaccount: %s %q: %s: %v", e.Op, e.Account, e.Step, e.Err)
	if directory.IsTemporary(e.Err) {
		s += " (a transient fault, still failing when the retry deadline was spent)"
	}
	switch e.Outcome {
	case OutcomeRolledBack:
		s += "; the account created by this call was deleted (rolled back)"
	case OutcomeRollbackFailed:
		s += fmt.Sprintf("; rollback failed, the account is left in place: %v", e.RollbackErr)
	case OutcomeKept, OutcomePartlyConverged:
		s += "; the account is left in place: " + e.note
	case OutcomeMayExist:
		s += "; the account may be left in place: " + e.note
	}
	return s
}

// Unwrap returns the fault that ended the call.
func (e *Error) Unwrap() error { return e.Err }

// stepError names the step an assignment failure happened in.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.step + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

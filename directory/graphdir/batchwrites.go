package graphdir

import (
	"context"
	"errors"

	"github.com/cloudhub/consent/directory"
)

// CreateRoleAssignments implements [directory.RoleAssigner]: one $batch
// round trip per 20 assignments, each item a POST
// /roleManagement/directory/roleAssignments. Items throttled inside the
// batch are sent again after their own Retry-After.
func (d *Directory) CreateRoleAssignments(ctx context.Context, as []directory.RoleAssignment) []directory.RoleAssignmentResult {
	out := make([]directory.RoleAssignmentResult, len(as))
	items := make([]*batchItem, len(as))
	for i, a := range as {
		items[i] = item(createAssignment(a))
	}
	if len(items) > 0 {
		_ = d.batch(ctx, items) // each item records its outcome
	}
	for i, it := range items {
		if err := it.error(); err != nil {
			out[i] = directory.RoleAssignmentResult{Assignment: as[i], Err: err}
			continue
		}
		got, err := readAssignment(it.request, it.answer())
		if err != nil {
			out[i] = directory.RoleAssignmentResult{Assignment: as[i], Err: err}
			continue
		}
		out[i] = directory.RoleAssignmentResult{Assignment: completeAssignment(got, as[i])}
	}
	return out
}

// DeleteUserAndRoleAssignments implements [directory.UserDeleter]: one
// $batch round trip (per 20 requests) of DELETE
// /roleManagement/directory/roleAssignments/{id} for each assignment, then
// DELETE /users/{id}, chained with dependsOn so that the user is deleted
// only after every assignment (JSON batching wants a batch either fully
// sequential or fully parallel). An assignment already gone (404) counts as
// deleted; since Graph fails the rest of the chain (424) after it, each such
// assignment costs one more round trip. Deleting a user that holds
// administrative roles takes more than User.ReadWrite.All; see the package
// documentation.
func (d *Directory) DeleteUserAndRoleAssignments(ctx context.Context, userID string, assignmentIDs []string) error {
	obj := quote(userID)
	if err := ctx.Err(); err != nil {
		return contextError(opDeleteUser, obj, err)
	}
	if userID == "" {
		return invalidArgument(opDeleteUser, obj, "empty object ID")
	}
	items := make([]*batchItem, 0, len(assignmentIDs)+1)
	var prev *batchItem
	for _, id := range assignmentIDs {
		it := item(deleteAssignment(id))
		it.goneOK = true
		if prev != nil {
			it.dependsOn = []*batchItem{prev}
		}
		items = append(items, it)
		prev = it
	}
	user := item(deleteUser(userID))
	if prev != nil {
		user.dependsOn = []*batchItem{prev}
	}
	items = append(items, user)
	_ = d.batch(ctx, items) // each item records its outcome
	if err := ctx.Err(); err != nil {
		return contextError(opDeleteUser, obj, err)
	}
	for _, it := range items[:len(items)-1] {
		if err := it.error(); err != nil {
			return err
		}
	}
	err := user.error()
	if err == nil || errors.Is(err, directory.ErrNotFound) {
		d.forget(userID)
	}
	return err
}

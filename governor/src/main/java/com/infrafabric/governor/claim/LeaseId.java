package com.infrafabric.governor.claim;

import com.infrafabric.governor.ErrorCode;
import com.infrafabric.governor.GovernorException;
import com.infrafabric.governor.tenant.Scope;
import com.infrafabric.platform.http.ApiException;
import com.infrafabric.platform.http.Fields;
import com.infrafabric.platform.redis.ScriptArgs;

/**
 * Names one claim of a task: the {@code number}-th agent to own it. Written {@code
 * tenant/task#number}; a later claim of the same task has another number, so a holder whose lease
 * ran out can never extend or finish its successor's.
 *
 * @param tenant the task's tenant
 * @param taskId the task
 * @param number 1 for the first claim of the task, 2 for the next...
 */
public record LeaseId(String tenant, String taskId, int number) {

  public LeaseId {
    Scope.segment(ErrorCode.INVALID_REQUEST, "tenant", tenant);
    Scope.segment(ErrorCode.INVALID_REQUEST, "task id", taskId);
    if (number < 1) {
      throw malformed();
    }
  }

  /** Parses {@code tenant/task#number}. */
  public static LeaseId parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    int hash = text == null ? -1 : text.lastIndexOf('#');
    if (slash <= 0 || hash <= slash + 1) {
      throw malformed();
    }
    try {
      return new LeaseId(
          text.substring(0, slash),
          text.substring(slash + 1, hash),
          (int) Fields.decimal("lease", text.substring(hash + 1), 1, Integer.MAX_VALUE));
    } catch (ApiException | GovernorException e) {
      throw malformed();
    }
  }

  /** Puts the lease's {@code task_id} and {@code lease} number into a claim script's arguments. */
  void putArgs(ScriptArgs.Values args) {
    args.put("task_id", taskId).put("lease", number);
  }

  private static GovernorException malformed() {
    return new GovernorException(
        ErrorCode.INVALID_REQUEST, "lease id must look like <tenant>/<task id>#<number>");
  }

  @Override
  public String toString() {
    return tenant + '/' + taskId + '#' + number;
  }
}

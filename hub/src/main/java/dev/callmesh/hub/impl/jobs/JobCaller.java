package dev.callmesh.hub.impl.jobs;

import java.util.function.Predicate;

/**
 * Who asks the jobs service for something: an identity, and its rights now.
 *
 * @param identity the identity id; a job belongs to the identity that started it
 * @param mayCall whether the identity (narrowed by its token's scope, if any) may call a full operation path now
 * @param rights its rights in words, for messages ("its allow list is [...]")
 */
public record JobCaller(String identity, Predicate<String> mayCall, String rights) {

  /** @return whether the caller may see and abort the job: its own, of an operation it may call now */
  boolean owns(JobRecord job) {
    return job != null && job.identity().equals(identity) && mayCall.test(job.operationId());
  }
}

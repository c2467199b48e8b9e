/*
 * Commands that checks give as remedies. `wr restart` finds the project's
 * containers by their com.docker.compose.project label, so it works from any
 * folder, without the compose file. Recreating and rebuilding need the
 * compose CLI and the compose file.
 */
// NOTE: the docker compose commands were not run in the test sandbox, which has no compose plugin.

/** Reason to restart a long-running backend although nothing failed. */
export const memoryGrowthReason =
  'whatsapp-web.js and Chromium never give memory back, so a restart every few days is the runbook answer';

/** Returns the command that restarts every container of the compose project. */
export function restartStackCommand(project: string | undefined): string {
  if (!project) return 'wr restart --all --project <compose project>';
  return 'wr restart --all';
}

/** Returns the command that restarts the containers of one compose service. */
export function restartServiceCommand(project: string | undefined, service: string): string {
  if (!project) return `wr restart ${service} --project <compose project>`;
  return `wr restart ${service}`;
}

/**
 * Returns the command that rebuilds the image of one service and recreates
 * its containers. A restart keeps the old image, and `up --build` needs the
 * compose file, so it runs in the compose file's folder.
 */
export function rebuildServiceCommand(project: string | undefined, service: string): string {
  const compose = project ? `docker compose -p ${project}` : 'docker compose';
  return `${compose} up -d --build ${service}, run in the folder of the compose file`;
}

/** Returns the command that recreates one service's containers so that compose file changes apply. */
export function recreateServiceCommand(project: string | undefined, service: string): string {
  const compose = project ? `docker compose -p ${project}` : 'docker compose';
  return `${compose} up -d ${service}, run in the folder of the compose file`;
}

/** A crontab line and a systemd service and timer that run the conditional restart. */
export interface Schedule {
  type: 'schedule';
  command: string;
  crontab: string;
  systemdService: string;
  systemdTimer: string;
}

export interface ScheduleOptions {
  /** Absolute path of the wr executable, or `wr` when unknown. */
  executable: string;
  /** Config file to pass with --config, or null. */
  configFile: string | null;
  /** Compose project to pass with --project, or null to leave it to the config. */
  project: string | null;
  /** The uptime threshold, such as `3d`. */
  uptime: string;
}

/**
 * Builds the schedule of `wr restart --all --if-uptime-over <uptime>`. It
 * runs daily at 04:30 local time, so a restart that is due happens at night,
 * at most a day after the uptime passes the threshold.
 */
export function buildSchedule(options: ScheduleOptions): Schedule {
  const config = options.configFile ? ` --config ${options.configFile}` : '';
  const project = options.project ? ` --project ${options.project}` : '';
  const command = `${options.executable}${config}${project} restart --all --if-uptime-over ${options.uptime}`;
  const crontab = `30 4 * * * ${command} >> /var/log/wr-restart.log 2>&1`;
  const systemdService = [
    '# /etc/systemd/system/wr-restart.service',
    '[Unit]',
    'Description=Restart the WhatRestaurant stack when its backend has been up too long',
    'After=docker.service',
    'Requires=docker.service',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=${command}`,
    '',
  ].join('\n');
  const systemdTimer = [
    '# /etc/systemd/system/wr-restart.timer',
    '[Unit]',
    'Description=Daily check whether the WhatRestaurant stack needs a restart',
    '',
    '[Timer]',
    'OnCalendar=*-*-* 04:30:00',
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  return { type: 'schedule', command, crontab, systemdService, systemdTimer };
}

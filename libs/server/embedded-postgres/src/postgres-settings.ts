/**
 * Command-line settings of the embedded PostgreSQL, tuned for one server process on a small machine:
 * no TCP listener (a Unix socket in a 0700 directory, so trust auth reaches only this user), few
 * connections, small shared buffers, and none of the helper processes a single node does not need
 * (I/O workers, WAL senders, logical replication, parallel workers). Durability settings stay at
 * PostgreSQL's defaults.
 */
export function postgresSettings(socketDir: string, port: number): string[] {
  const settings: Record<string, string> = {
    listen_addresses: '',
    unix_socket_directories: socketDir,
    unix_socket_permissions: '0700',
    port: String(port),
    max_connections: '20',
    shared_buffers: '16MB',
    huge_pages: 'off',
    // PostgreSQL 18 starts three I/O worker processes by default.
    io_method: 'sync',
    wal_level: 'minimal',
    max_wal_senders: '0',
    max_worker_processes: '2',
    max_parallel_workers: '0',
    max_parallel_workers_per_gather: '0',
    max_logical_replication_workers: '0',
    autovacuum_max_workers: '1',
    jit: 'off',
    logging_collector: 'off',
    log_line_prefix: '%m [%p] ',
  };
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

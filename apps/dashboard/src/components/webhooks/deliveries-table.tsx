'use client';

import { Badge, EmptyState, Table, Text, Title } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { formatDateTime } from '@/lib/format';
import { api, call, type Schemas } from '@/lib/api';
import { ErrorAlert } from '../common/error-alert';
import { TableSkeleton } from '../common/table-skeleton';

const STATUS_COLORS: Record<Schemas['WebhookDeliveryDto']['status'], string> = {
  pending: 'yellow',
  succeeded: 'teal',
  failed: 'red',
};

/** The newest deliveries of one endpoint, refreshed while the page is open. */
export function DeliveriesTable({ endpoint }: { endpoint: Schemas['WebhookDto'] }) {
  const deliveries = useQuery({
    queryKey: ['webhooks', endpoint.id, 'deliveries'],
    queryFn: ({ signal }) =>
      call(
        api.GET('/api/v1/webhooks/{id}/deliveries', {
          params: { path: { id: endpoint.id }, query: { limit: 50 } },
          signal,
        }),
      ),
    refetchInterval: 5000,
  });
  return (
    <section aria-labelledby="deliveries-title">
      <Title order={2} fz="lg" mb="xs" id="deliveries-title">
        Recent deliveries
      </Title>
      <Text size="sm" c="dimmed" mb="md" className="break-all">
        To {endpoint.url}
      </Text>
      {deliveries.error && (
        <ErrorAlert
          error={deliveries.error}
          title="Could not load deliveries"
          onRetry={() => void deliveries.refetch()}
        />
      )}
      {deliveries.isPending && <TableSkeleton label="Loading deliveries" rows={3} />}
      {deliveries.data?.length === 0 && (
        <EmptyState
          size="sm"
          icon={<IconSend aria-hidden />}
          title="Nothing delivered yet"
          description="Deliveries appear here when a stream starts or ends."
        />
      )}
      {deliveries.data && deliveries.data.length > 0 && (
        <Table.ScrollContainer minWidth={820}>
          <Table verticalSpacing="xs" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Event</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Last response</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Delivered / next try</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {deliveries.data.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <code>{d.eventType}</code>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLORS[d.status]} variant="light">
                      {d.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{d.attempts}</Table.Td>
                  <Table.Td>
                    {d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : '–'}
                    {d.lastDurationMs !== null ? ` in ${d.lastDurationMs} ms` : ''}
                    {d.lastError && (
                      <Text size="xs" c="red" lineClamp={2} title={d.lastError}>
                        {d.lastError}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td className="nowrap">{formatDateTime(d.createdAt)}</Table.Td>
                  <Table.Td>
                    {d.deliveredAt
                      ? formatDateTime(d.deliveredAt)
                      : d.nextAttemptAt
                        ? `Next try ${formatDateTime(d.nextAttemptAt)}`
                        : '–'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </section>
  );
}

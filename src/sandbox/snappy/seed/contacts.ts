/**
 * Thirty customers. Contact 119399 John Smith is the one in recorded traffic; the others
 * exercise what a normalizer must survive: accents, non-Latin scripts, apostrophes, a
 * contact with only a first name, and mixed-case addresses.
 */
import type { SnappyStore } from '../store/index.js'
import { fromSqlTime } from '../../../upstreams/snappy/wire.js'
import { PRAEKELT_ACCOUNT, WCL_ACCOUNT } from './identities.js'

const JOHN_SMITH = 119399

type Row = [first: string, last: string, address: string]

const WCL: Row[] = [
  ['José', 'Núñez', 'jose.nunez@correo.example.mx'],
  ['Zoë', 'Ångström', 'zoe.angstrom@example.se'],
  ['Łukasz', 'Wróbel', 'lukasz.wrobel@example.pl'],
  ['山田', '太郎', 'taro.yamada@example.jp'],
  ['Thandiwe', 'Mokoena', 'thandi.mokoena@example.co.za'],
  ['Aisha', 'Patel', 'aisha.patel@example.com'],
  ['Wei', 'Chen', 'chen.wei@example.cn'],
  ['Olumide', 'Adeyemi', 'olumide@example.ng'],
  ['Fatima', 'Zahra El Amrani', 'fz.elamrani@example.ma'],
  ['Mary-Jane', "O'Neill", 'MJ.ONeill@Example.ie'],
  ['Sipho', 'Ndlovu', 'sipho.ndlovu@example.co.za'],
  ['Björn', 'Lindqvist', 'bjorn.lindqvist@example.se'],
  ['François', 'Dubois', 'francois.dubois@example.fr'],
  ['Priya', 'Raghunathan', 'priya.r@example.in'],
  ['Lindiwe', '', 'lindiwe@example.co.za'],
  ['Дмитрий', 'Иванов', 'dmitri.ivanov@example.ru'],
  ['Grace', 'Mensah', 'grace.mensah@example.com.gh'],
  ['Hannah', 'Schmidt', 'hannah.schmidt@example.de'],
  ['Monitoring', 'Alerts', 'noreply+alerts@monitoring.example.com'],
]

const PRAEKELT: Row[] = [
  ['Kagiso', 'Molefe', 'kagiso.molefe@example.co.za'],
  ['Ana Luísa', 'Ferreira', 'analuisa.ferreira@example.com.br'],
  ['Mohammed', 'Al-Farsi', 'm.alfarsi@example.om'],
  ['Emily', 'Clarke', 'emily.clarke@example.co.uk'],
  ['Tendai', 'Moyo', 'tendai.moyo@example.co.zw'],
  ['Li', 'Sun', 'sun.li@example.cn'],
  ['Zanele', 'Khumalo', 'zanele.khumalo@example.co.za'],
  ['Raúl', 'Gómez', 'raul.gomez@example.es'],
  ['Olga', 'Kowalczyk', 'olga.kowalczyk@example.pl'],
  ['Adébáyọ̀', 'Ògúnlésì', 'adebayo.ogunlesi@example.ng'],
]

/** Contact ids per account, in creation order. */
export function seedContacts(store: SnappyStore): Record<number, number[]> {
  const d = store.directory
  const ids: Record<number, number[]> = { [WCL_ACCOUNT]: [], [PRAEKELT_ACCOUNT]: [] }
  const john = d.createContact({
    id: JOHN_SMITH,
    accountId: WCL_ACCOUNT,
    firstName: 'John',
    lastName: 'Smith',
    value: 'john.smith@gmail.com',
    provider: 'email',
    createdAt: fromSqlTime('2014-09-18 10:27:27'),
  })
  ids[WCL_ACCOUNT]?.push(john.id)
  let at = fromSqlTime('2014-08-01 08:02:13')
  for (const [accountId, rows] of [
    [WCL_ACCOUNT, WCL],
    [PRAEKELT_ACCOUNT, PRAEKELT],
  ] as const) {
    for (const [firstName, lastName, value] of rows) {
      at += 25 * 3600 + 17 * 60 + 41
      ids[accountId]?.push(d.createContact({ accountId, firstName, lastName, value, createdAt: at }).id)
    }
  }
  return ids
}

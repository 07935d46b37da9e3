// Node's mysql2 against twiliosql serve: prints what it read as JSON for
// server/clients_test.go to compare with the driver's answers.
//   node mysql2_client.js PORT PASSWORD
const mysql = require('mysql2/promise');

async function main() {
  const [port, password] = process.argv.slice(2);
  const conn = await mysql.createConnection({
    host: '127.0.0.1', port: Number(port), user: 'twilio', password, database: 'twilio',
    dateStrings: true, supportBigNumbers: true, bigNumberStrings: true,
  });
  const out = {};
  const [tables, tableFields] = await conn.query('SHOW TABLES');
  out.tables = tables.map((r) => r.Tables_in_twilio);
  out.tablesColumn = tableFields.map((f) => f.name);
  // execute: COM_STMT_PREPARE/EXECUTE; mysql2 binds JS numbers as DOUBLE and
  // caches the statement without closing it, so run it twice.
  const q = 'SELECT Sid, Status, Duration, Price FROM Calls WHERE Duration > ? ORDER BY Sid LIMIT 5';
  const [prepared] = await conn.execute(q, [10]);
  const [again] = await conn.execute(q, [10]);
  out.prepared = prepared.map((r) => [r.Sid, r.Status, String(r.Duration), String(r.Price)]);
  out.preparedAgain = again.length;
  // query: the text protocol with the value interpolated by mysql2.
  const [text] = await conn.query('SELECT Sid, Status, Duration, Price FROM Calls WHERE Duration > ? ORDER BY Sid LIMIT 5', [10]);
  out.text = text.map((r) => [r.Sid, r.Status, String(r.Duration), String(r.Price)]);
  const [[version]] = await conn.query('SELECT VERSION() AS v, @@version_comment AS c');
  out.version = version.v;
  try {
    await conn.query('SELECT * FROM NoSuchTable');
  } catch (e) {
    out.unknownTable = e.errno;
  }
  await conn.end();
  console.log(JSON.stringify(out));
}

main().catch((e) => { console.error(e); process.exit(1); });

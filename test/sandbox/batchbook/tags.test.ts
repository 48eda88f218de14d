import { describe, expect, it } from 'vitest'
import { call, communicationOf, errorsOf, num, startSimulator, xmlBody } from './helpers.js'

const tagsOf = async (origin: string, id: number) => {
  const c = communicationOf((await call(origin, 'GET', `/service/communications/${id}.xml`)).text)
  return (c.tags.tag ?? []).map((t) => ({ id: num(t.id), name: t.name, supertag: t.supertag['#text'] }))
}

describe('BatchBook simulator: tags', () => {
  it('adds a tag from <tag>name</tag> and renders it with id, name and supertag', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'PUT', '/service/communications/69522/add_tag.xml', xmlBody('<tag>awesome</tag>'))
    expect(res.status).toBe(200)
    expect(res.text).toBe('')
    const [tag, ...rest] = await tagsOf(origin, 69522)
    expect(rest).toEqual([])
    expect(tag).toMatchObject({ name: 'awesome', supertag: 'false' })
    expect(tag?.id).toBeGreaterThan(0)
  })

  it('adds comma-separated tags from <tags>a,b</tags>, names with spaces included', async () => {
    const { origin } = await startSimulator()
    const res = await call(
      origin,
      'PUT',
      '/service/communications/69522/add_tag.xml',
      xmlBody('<tags>big deal, hot lead</tags>'),
    )
    expect(res.status).toBe(200)
    expect((await tagsOf(origin, 69522)).map((t) => t.name)).toEqual(['big deal', 'hot lead'])
  })

  it("adds tags from <tags type='array'><tag>…</tag></tags>", async () => {
    const { origin } = await startSimulator()
    const res = await call(
      origin,
      'PUT',
      '/service/communications/69522/add_tag.xml',
      xmlBody("<tags type='array'><tag>one</tag><tag>two words</tag></tags>"),
    )
    expect(res.status).toBe(200)
    expect((await tagsOf(origin, 69522)).map((t) => t.name)).toEqual(['one', 'two words'])
  })

  it('shares tags between records: the same name has the same id', async () => {
    const { sim, origin } = await startSimulator()
    const existing = sim.store.listTags().find((t) => t.name === 'follow up')
    await call(origin, 'PUT', '/service/communications/69522/add_tag.xml', xmlBody('<tag>follow up</tag>'))
    expect(await tagsOf(origin, 69522)).toEqual([{ id: existing?.id, name: 'follow up', supertag: 'false' }])
  })

  it('removes a tag named in the body of a DELETE', async () => {
    const { origin } = await startSimulator()
    await call(origin, 'PUT', '/service/communications/69522/add_tag.xml', xmlBody('<tags>keep, drop me</tags>'))
    const res = await call(
      origin,
      'DELETE',
      '/service/communications/69522/remove_tag.xml',
      xmlBody('<tag>drop me</tag>'),
    )
    expect(res.status).toBe(200)
    expect(res.text).toBe('')
    expect((await tagsOf(origin, 69522)).map((t) => t.name)).toEqual(['keep'])
  })

  it('answers 422 for a blank tag', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'PUT', '/service/communications/69522/add_tag.xml', xmlBody('<tag>  </tag>'))
    expect(res.status).toBe(422)
    expect(errorsOf(res.text)[0]).toMatch(/tag/i)
  })

  it('answers 422 for a body that is not a tag document', async () => {
    const { origin } = await startSimulator()
    const res = await call(
      origin,
      'PUT',
      '/service/communications/69522/add_tag.xml',
      xmlBody('<communication><subject>x</subject></communication>'),
    )
    expect(res.status).toBe(422)
  })

  it('answers 404 when tagging a missing communication', async () => {
    const { origin } = await startSimulator()
    const res = await call(origin, 'PUT', '/service/communications/1/add_tag.xml', xmlBody('<tag>x</tag>'))
    expect(res.status).toBe(404)
  })
})
